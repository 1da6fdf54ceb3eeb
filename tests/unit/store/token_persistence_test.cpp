// TokenPersistence is declared by the store and implemented by both of its session stores:
// the SSO layer holds either through the interface.
#include "store/token_persistence.hpp"

#include <gtest/gtest.h>

#include "store/file_secret_store.hpp"
#include "store/session_store.hpp"
#include "store/synced_session_store.hpp"
#include "store_test_util.hpp"

namespace ssocred {
namespace {

TEST(TokenPersistence, BothStoresServeThroughTheInterface) {
    test::TempDir dir;
    auto own = std::make_shared<SessionStore>(dir / "state", make_state_key_store(dir / "state"));
    SyncedSessionStore synced(own, std::make_shared<AwsCliCache>(dir / "cache"));

    TokenPersistence& through_sync = synced;
    TokenPersistence& through_own = *own;
    ASSERT_TRUE(through_sync.save(test::sample_state()));
    auto loaded = through_own.load("my-sso");  // the synced store wrote our own copy
    ASSERT_TRUE(loaded && *loaded);
    EXPECT_TRUE((*loaded)->access_token.equals("aoa-ACCESS-TOKEN-1"));
    EXPECT_TRUE(std::filesystem::exists(dir / "state" / "keys" /
                                        "state-key"));  // default key store on Linux
    ASSERT_TRUE(through_sync.erase("my-sso"));
    loaded = through_own.load("my-sso");
    ASSERT_TRUE(loaded);
    EXPECT_FALSE(*loaded);
    EXPECT_TRUE(through_own.erase("my-sso"));  // erasing what is gone is not an error
}

}  // namespace
}  // namespace ssocred
