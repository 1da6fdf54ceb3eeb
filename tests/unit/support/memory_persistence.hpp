// Token persistence in memory, for the tests that run a SessionManager (sso/, control/):
// what was saved is in `tokens`, and how often it was written and erased is counted. A test
// can hold the next save (a slow disk) to see what waits behind it.
#pragma once

#include <condition_variable>
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
        std::unique_lock lock(mu);
        if (hold_next_save) {  // waits until the test calls release()
            hold_next_save = false;
            holding = true;
            changed.notify_all();
            changed.wait(lock, [&] { return !holding; });
        }
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

    void wait_until_holding() {
        std::unique_lock lock(mu);
        changed.wait(lock, [&] { return holding; });
    }
    void release() {
        std::lock_guard lock(mu);
        holding = false;
        changed.notify_all();
    }

    std::mutex mu;
    std::condition_variable changed;
    bool hold_next_save = false, holding = false;  // under mu
    std::map<std::string, TokenState> tokens;
    int saves = 0, erases = 0;  // under mu
};

}  // namespace ssocred::test
