// FileSecretStore: one 0600 file per entry in a private (0700) directory, written atomically.
#pragma once

#include <filesystem>

#include "store/secret_store.hpp"

namespace ssocred {

class FileSecretStore final : public SecretStore {
  public:
    // The directory is created (0700) on the first put, not here.
    explicit FileSecretStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

    Expected<std::optional<Secret>> get(const std::string& name) override;
    Status put(const std::string& name, const Secret& value) override;
    Status erase(const std::string& name) override;
    std::string_view backend_name() const override { return "file"; }

    const std::filesystem::path& dir() const { return dir_; }

  private:
    std::filesystem::path dir_;
};

}  // namespace ssocred
