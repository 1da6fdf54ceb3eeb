// PersistenceAdapter: plugs a store into the SSO layer's TokenPersistence interface
// (daemon/sso/session_manager.hpp) without the store depending on the SSO layer - the
// store sits below it, and sso/ already includes store/token_state.hpp.
//
//     auto key_store = make_state_key_store(state_dir);
//     auto own = std::make_shared<SessionStore>(state_dir, std::move(key_store));
//     SyncedSessionStore synced(own, std::make_shared<AwsCliCache>());   // --aws-cache=sync
//     PersistenceAdapter<sso::TokenPersistence, SyncedSessionStore> persistence(synced);
//     // --aws-cache=off: PersistenceAdapter<sso::TokenPersistence, SessionStore> over *own
//
// `Store` needs load/save/erase with TokenPersistence's exact signatures (SessionStore and
// SyncedSessionStore have them). The adapter does not own the store.
#pragma once

#include <optional>
#include <string>

#include "ssocred/expected.hpp"

#include "store/token_state.hpp"

namespace ssocred {

template <class Interface, class Store>
class PersistenceAdapter final : public Interface {
  public:
    explicit PersistenceAdapter(Store& store) : store_(store) {}

    Expected<std::optional<TokenState>> load(const std::string& session) override {
        return store_.load(session);
    }
    Status save(const TokenState& state) override { return store_.save(state); }
    Status erase(const std::string& session) override { return store_.erase(session); }

  private:
    Store& store_;
};

}  // namespace ssocred
