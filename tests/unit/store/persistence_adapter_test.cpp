#include "store/persistence_adapter.hpp"

#include <gtest/gtest.h>

#include "store/file_secret_store.hpp"
#include "store/session_store.hpp"
#include "store/synced_session_store.hpp"
#include "store_test_util.hpp"

namespace ssocred {
namespace {

// The SSO layer's interface, signature for signature (daemon/sso/session_manager.hpp);
// mirrored so the store's tests do not depend on the SSO layer.
class TokenPersistenceMirror {
  public:
    virtual ~TokenPersistenceMirror() = default;
    virtual Expected<std::optional<TokenState>> load(const std::string& session) = 0;
    virtual Status save(const TokenState& state) = 0;
    virtual Status erase(const std::string& session) = 0;
};

TEST(PersistenceAdapter, ServesBothStoresThroughTheInterface) {
    test::TempDir dir;
    auto own = std::make_shared<SessionStore>(dir / "state", make_state_key_store(dir / "state"));
    SyncedSessionStore synced(own, std::make_shared<AwsCliCache>(dir / "cache"));
    PersistenceAdapter<TokenPersistenceMirror, SyncedSessionStore> sync_adapter(synced);
    PersistenceAdapter<TokenPersistenceMirror, SessionStore> own_adapter(*own);

    TokenPersistenceMirror& p = sync_adapter;
    ASSERT_TRUE(p.save(test::sample_state()));
    auto loaded = static_cast<TokenPersistenceMirror&>(own_adapter).load("my-sso");
    ASSERT_TRUE(loaded && *loaded);
    EXPECT_TRUE((*loaded)->access_token.equals("aoa-ACCESS-TOKEN-1"));
    EXPECT_TRUE(std::filesystem::exists(dir / "state" / "keys" /
                                        "state-key"));  // default key store on Linux
    ASSERT_TRUE(p.erase("my-sso"));
    loaded = p.load("my-sso");
    ASSERT_TRUE(loaded);
    EXPECT_FALSE(*loaded);
}

}  // namespace
}  // namespace ssocred
