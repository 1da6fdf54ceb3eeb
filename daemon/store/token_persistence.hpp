// TokenPersistence: where the SSO layer keeps each session's TokenState. Declared here,
// beside its implementations (SessionStore, and SyncedSessionStore for --aws-cache=sync),
// since the store sits below the SSO layer: sso::SessionManager uses this interface and the
// store never includes an SSO header.
#pragma once

#include <optional>
#include <string>

#include "ssocred/expected.hpp"

#include "store/token_state.hpp"

namespace ssocred {

// Calls are serialised by the caller (SessionManager).
class TokenPersistence {
  public:
    virtual ~TokenPersistence() = default;
    // nullopt when nothing usable is stored for `session`.
    virtual Expected<std::optional<TokenState>> load(const std::string& session) = 0;
    virtual Status save(const TokenState& state) = 0;
    // A missing entry is not an error.
    virtual Status erase(const std::string& session) = 0;
};

}  // namespace ssocred
