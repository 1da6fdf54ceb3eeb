// Token persistence in memory, for the tests that run a SessionManager (sso/, control/):
// what was saved is in `tokens`, and how often it was written and erased is counted.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "store/token_persistence.hpp"

namespace ssocred::test {

class MemoryPersistence final : public TokenPersistence {
  public:
    Expected<std::optional<TokenState>> load(const std::string& session) override {
        std::lock_guard lock(mu);
        auto it = tokens.find(session);
        if (it == tokens.end()) return std::optional<TokenState>{};
        return std::optional<TokenState>(it->second);
    }
    Status save(const TokenState& state) override {
        std::lock_guard lock(mu);
        tokens[state.session] = state;
        ++saves;
        return ok();
    }
    Status erase(const std::string& session) override {
        std::lock_guard lock(mu);
        tokens.erase(session);
        ++erases;
        return ok();
    }

    std::mutex mu;
    std::map<std::string, TokenState> tokens;
    int saves = 0, erases = 0;  // under mu
};

}  // namespace ssocred::test
