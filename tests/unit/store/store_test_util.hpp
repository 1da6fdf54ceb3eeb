// Helpers shared by the store tests: temporary directories, scoped environment, modes.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "ssocred/time.hpp"

#include "store/token_state.hpp"
#include "support/temp_dir.hpp"

namespace ssocred::test {

// Sets an environment variable for the scope, restoring the old value afterwards.
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (old_)
            ::setenv(name_, old_->c_str(), 1);
        else
            ::unsetenv(name_);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

  private:
    const char* name_;
    std::optional<std::string> old_;
};

inline unsigned mode_of(const std::filesystem::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777;
}

inline std::vector<std::string> list_dir(const std::filesystem::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

inline TokenState sample_state(const std::string& session = "my-sso") {
    TokenState s;
    s.session = session;
    s.start_url = "https://d-1234567890.awsapps.com/start";
    s.region = "us-east-1";
    s.access_token = Secret(std::string("aoa-ACCESS-TOKEN-1"));
    s.access_token_expires_at = from_epoch_seconds(1795000000);
    s.refresh_token = Secret(std::string("aor-REFRESH-TOKEN-1"));
    s.issued_at = from_epoch_seconds(1794996400);
    ClientRegistration r;
    r.client_id = "client-id-1";
    r.client_secret = Secret(std::string("client-SECRET-1"));
    r.expires_at = from_epoch_seconds(1802772000);
    r.grant_types = {"authorization_code", "refresh_token"};
    r.scopes = {"sso:account:access"};
    s.registration = std::move(r);
    return s;
}

}  // namespace ssocred::test
