#include "store/synced_session_store.hpp"

#include <gtest/gtest.h>

#include "store/file_secret_store.hpp"
#include "store_test_util.hpp"

namespace ssocred {
namespace {

using test::sample_state;
using test::TempDir;

class SyncedSessionStoreTest : public ::testing::Test {
  protected:
    TempDir dir;
    std::shared_ptr<SessionStore> own = std::make_shared<SessionStore>(
        dir / "state", std::make_shared<FileSecretStore>(dir / "state" / "keys"));
    std::shared_ptr<AwsCliCache> cli =
        std::make_shared<AwsCliCache>(dir / "cache", std::chrono::milliseconds(10));
    SyncedSessionStore store{own, cli};
};

TokenState refreshed_by_cli() {
    TokenState s = sample_state();
    s.access_token = Secret(std::string("aoa-FROM-CLI"));
    s.access_token_expires_at += std::chrono::hours(2);
    s.refresh_token = Secret(std::string("aor-FROM-CLI"));
    return s;
}

TEST_F(SyncedSessionStoreTest, SaveWritesBoth) {
    ASSERT_TRUE(store.save(sample_state()));
    auto mine = own->load("my-sso");
    ASSERT_TRUE(mine && *mine);
    auto theirs = cli->read_token("my-sso");
    ASSERT_TRUE(theirs && *theirs);
    EXPECT_TRUE((*theirs)->access_token.equals("aoa-ACCESS-TOKEN-1"));
}

TEST_F(SyncedSessionStoreTest, LoadAdoptsANewerCliToken) {
    ASSERT_TRUE(store.save(sample_state()));
    ASSERT_TRUE(cli->write_token(refreshed_by_cli()));
    auto loaded = store.load("my-sso");
    ASSERT_TRUE(loaded && *loaded);
    EXPECT_TRUE((*loaded)->access_token.equals("aoa-FROM-CLI"));
    EXPECT_TRUE((*loaded)->refresh_token.equals("aor-FROM-CLI"));
    ASSERT_TRUE((*loaded)->registration);
    EXPECT_EQ((*loaded)->registration->grant_types,
              sample_state().registration->grant_types);  // ours kept
    auto persisted = own->load("my-sso");
    ASSERT_TRUE(persisted && *persisted);
    EXPECT_TRUE((*persisted)->access_token.equals("aoa-FROM-CLI"));
}

TEST_F(SyncedSessionStoreTest, LoadKeepsOursWhenTheCliFileIsOlder) {
    ASSERT_TRUE(cli->write_token(sample_state()));
    TokenState newer = refreshed_by_cli();
    newer.access_token = Secret(std::string("aoa-OURS-NEWER"));
    ASSERT_TRUE(own->save(newer));
    auto loaded = store.load("my-sso");
    ASSERT_TRUE(loaded && *loaded);
    EXPECT_TRUE((*loaded)->access_token.equals("aoa-OURS-NEWER"));
}

TEST_F(SyncedSessionStoreTest, LoadTakesACliLoginWhenWeHaveNothing) {
    ASSERT_TRUE(cli->write_token(sample_state()));
    auto loaded = store.load("my-sso");
    ASSERT_TRUE(loaded && *loaded);
    EXPECT_TRUE((*loaded)->access_token.equals("aoa-ACCESS-TOKEN-1"));
}

TEST_F(SyncedSessionStoreTest, SaveAdoptsANewerCliTokenInsteadOfOverwriting) {
    ASSERT_TRUE(cli->write_token(refreshed_by_cli()));
    ASSERT_TRUE(store.save(sample_state()));
    auto theirs = cli->read_token("my-sso");
    ASSERT_TRUE(theirs && *theirs);
    EXPECT_TRUE((*theirs)->access_token.equals("aoa-FROM-CLI"));  // not overwritten
    auto mine = own->load("my-sso");
    ASSERT_TRUE(mine && *mine);
    EXPECT_TRUE((*mine)->access_token.equals("aoa-FROM-CLI"));
}

TEST_F(SyncedSessionStoreTest, AdoptingAnotherClientsLoginTakesItsRegistration) {
    TokenState cli_login = refreshed_by_cli();
    cli_login.registration->client_id = "cli-client";
    cli_login.refresh_token = Secret();
    TokenState ours = sample_state();
    ours.login_required = true;
    const TokenState merged = SyncedSessionStore::adopt(ours, cli_login);
    EXPECT_EQ(merged.registration->client_id, "cli-client");
    EXPECT_TRUE(merged.refresh_token.empty());  // ours belonged to our old client
    EXPECT_FALSE(merged.login_required);
}

TEST_F(SyncedSessionStoreTest, TokenOnlyKeepsTheRefreshTokenSealedAndImportsACliLogin) {
    auto token_only = std::make_shared<AwsCliCache>(dir / "cache", std::chrono::milliseconds(10),
                                                    AwsCliCache::Write::TokenOnly);
    SyncedSessionStore synced{own, token_only};
    ASSERT_TRUE(synced.save(sample_state()));
    auto theirs = token_only->read_token("my-sso");
    ASSERT_TRUE(theirs && *theirs);
    EXPECT_TRUE((*theirs)->access_token.equals("aoa-ACCESS-TOKEN-1"));
    EXPECT_TRUE((*theirs)->refresh_token.empty());
    EXPECT_FALSE((*theirs)->registration);
    // Loading merges the token-only file with our sealed state: the refresh token stays.
    auto loaded = synced.load("my-sso");
    ASSERT_TRUE(loaded && *loaded);
    EXPECT_TRUE((*loaded)->refresh_token.equals("aor-REFRESH-TOKEN-1"));
    ASSERT_TRUE((*loaded)->registration);

    // `aws sso login` writes a full file: its refresh token is imported, then the next save
    // strips it from the file again.
    ASSERT_TRUE(cli->write_token(refreshed_by_cli()));  // a Write::Full writer, like the CLI
    loaded = synced.load("my-sso");
    ASSERT_TRUE(loaded && *loaded);
    EXPECT_TRUE((*loaded)->refresh_token.equals("aor-FROM-CLI"));
    ASSERT_TRUE(synced.save(**loaded));
    theirs = token_only->read_token("my-sso");
    ASSERT_TRUE(theirs && *theirs);
    EXPECT_TRUE((*theirs)->access_token.equals("aoa-FROM-CLI"));
    EXPECT_TRUE((*theirs)->refresh_token.empty());
    auto mine = own->load("my-sso");
    ASSERT_TRUE(mine && *mine);
    EXPECT_TRUE((*mine)->refresh_token.equals("aor-FROM-CLI"));
}

TEST_F(SyncedSessionStoreTest, EraseRemovesBoth) {
    ASSERT_TRUE(store.save(sample_state()));
    ASSERT_TRUE(store.erase("my-sso"));
    auto loaded = store.load("my-sso");
    ASSERT_TRUE(loaded);
    EXPECT_FALSE(*loaded);
    EXPECT_FALSE(std::filesystem::exists(cli->token_path("my-sso")));
}

}  // namespace
}  // namespace ssocred
