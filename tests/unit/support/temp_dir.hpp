// A fresh private directory (mkdtemp, mode 0700) for one test, removed with everything in it
// at scope exit. Shared by the unit-test folders (tests/unit is on their include path).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace ssocred::test {

class TempDir {
  public:
    explicit TempDir(const std::string& prefix = "ssocred-test") {
        std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        if (::mkdtemp(tmpl.data()) == nullptr) std::abort();  // no temp dir: nothing to test
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

  private:
    std::filesystem::path path_;
};

}  // namespace ssocred::test
