// The persisted active role: `<state-dir>/active.json`, written atomically with mode 0600.
// It holds names only (account, role, session, profile), never a credential.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "ssocred/credentials.hpp"
#include "ssocred/expected.hpp"

namespace ssocred {

struct ActiveRole {
    RoleRef role;
    std::optional<std::string> profile;  // the profile `ssocred use` named, if any
};

class ActiveRoleStore {
  public:
    explicit ActiveRoleStore(std::filesystem::path state_dir) : dir_(std::move(state_dir)) {}

    // nullopt when nothing was ever selected (no file). A malformed file is an Invalid error.
    Expected<std::optional<ActiveRole>> load() const;
    Status save(const ActiveRole& active) const;
    Status clear() const;

    std::filesystem::path path() const { return dir_ / "active.json"; }

  private:
    std::filesystem::path dir_;
};

}  // namespace ssocred
