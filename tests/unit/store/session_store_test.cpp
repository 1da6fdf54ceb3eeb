#include "store/session_store.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "store/atomic_file.hpp"
#include "store/file_secret_store.hpp"
#include "store_test_util.hpp"

namespace ssocred {
namespace {

using test::mode_of;
using test::sample_state;
using test::TempDir;

class SessionStoreTest : public ::testing::Test {
  protected:
    SessionStore make_store() {
        return SessionStore(dir.path() / "state",
                            std::make_shared<FileSecretStore>(dir.path() / "state" / "keys"));
    }
    std::string file_content(const std::filesystem::path& p) {
        auto r = read_file(p);
        return r ? *r : std::string();
    }
    TempDir dir;
};

TEST_F(SessionStoreTest, RoundTripsEveryMember) {
    auto store = make_store();
    const TokenState in = sample_state();
    ASSERT_TRUE(store.save(in));

    auto loaded = make_store().load("my-sso");  // a fresh instance: nothing cached
    ASSERT_TRUE(loaded);
    ASSERT_TRUE(*loaded);
    const TokenState& out = **loaded;
    EXPECT_EQ(out.session, in.session);
    EXPECT_EQ(out.start_url, in.start_url);
    EXPECT_EQ(out.region, in.region);
    EXPECT_EQ(out.access_token, in.access_token);
    EXPECT_EQ(out.access_token_expires_at, in.access_token_expires_at);
    EXPECT_EQ(out.refresh_token, in.refresh_token);
    EXPECT_EQ(out.issued_at, in.issued_at);
    EXPECT_EQ(out.login_required, in.login_required);
    ASSERT_TRUE(out.registration);
    EXPECT_EQ(out.registration->client_id, in.registration->client_id);
    EXPECT_EQ(out.registration->client_secret, in.registration->client_secret);
    EXPECT_EQ(out.registration->expires_at, in.registration->expires_at);
    EXPECT_EQ(out.registration->grant_types, in.registration->grant_types);
    EXPECT_EQ(out.registration->scopes, in.registration->scopes);
    EXPECT_FALSE(out.session_started_at);  // not known: stays unknown
    EXPECT_FALSE(out.learned_session_length);
}

TEST_F(SessionStoreTest, RoundTripsTheSessionStartAndTheLearnedLength) {
    auto store = make_store();
    TokenState in = sample_state();
    in.session_started_at = in.issued_at - std::chrono::hours(2);
    in.learned_session_length = std::chrono::hours(8);
    ASSERT_TRUE(store.save(in));
    auto loaded = make_store().load(in.session);
    ASSERT_TRUE(loaded && *loaded);
    EXPECT_EQ((*loaded)->session_started_at, in.session_started_at);
    EXPECT_EQ((*loaded)->learned_session_length, std::chrono::seconds(std::chrono::hours(8)));
}

TEST_F(SessionStoreTest, RoundTripsWithoutRegistrationAndRefreshToken) {
    auto store = make_store();
    TokenState in = sample_state("https://d-1234567890.awsapps.com/start");
    in.registration.reset();
    in.refresh_token = Secret();
    in.login_required = true;
    ASSERT_TRUE(store.save(in));
    auto loaded = store.load(in.session);
    ASSERT_TRUE(loaded && *loaded);
    EXPECT_FALSE((*loaded)->registration);
    EXPECT_TRUE((*loaded)->refresh_token.empty());
    EXPECT_TRUE((*loaded)->login_required);
}

TEST_F(SessionStoreTest, MissingSessionIsNoState) {
    auto loaded = make_store().load("nobody");
    ASSERT_TRUE(loaded);
    EXPECT_FALSE(*loaded);
}

TEST_F(SessionStoreTest, FilesAre0600InA0700Directory) {
    auto store = make_store();
    ASSERT_TRUE(store.save(sample_state()));
    EXPECT_EQ(mode_of(dir.path() / "state"), 0700u);
    EXPECT_EQ(mode_of(store.sessions_dir()), 0700u);
    EXPECT_EQ(mode_of(store.path_for("my-sso")), 0600u);
    EXPECT_EQ(mode_of(dir.path() / "state" / "keys"), 0700u);
    EXPECT_EQ(mode_of(dir.path() / "state" / "keys" / SessionStore::kStateKeyName), 0600u);
    // <sha1(session)>.json
    EXPECT_EQ(store.path_for("my-sso").filename(), "0ad374308c5a4e22f723adf10145eafad7c4031c.json");
}

TEST_F(SessionStoreTest, SecretsAreNotInThePlainFile) {
    auto store = make_store();
    ASSERT_TRUE(store.save(sample_state()));
    const std::string text = file_content(store.path_for("my-sso"));
    EXPECT_EQ(text.find("ACCESS-TOKEN"), std::string::npos);
    EXPECT_EQ(text.find("REFRESH-TOKEN"), std::string::npos);
    EXPECT_EQ(text.find("client-SECRET"), std::string::npos);
    EXPECT_NE(text.find("\"version\": 1"), std::string::npos);
    EXPECT_NE(text.find("client-id-1"), std::string::npos);  // non-secret members stay readable
}

TEST_F(SessionStoreTest, SaveReplacesAndLeavesNoTemporaryFile) {
    auto store = make_store();
    ASSERT_TRUE(store.save(sample_state()));
    TokenState second = sample_state();
    second.access_token = Secret(std::string("aoa-ACCESS-TOKEN-2"));
    ASSERT_TRUE(store.save(second));
    EXPECT_EQ(test::list_dir(store.sessions_dir()),
              std::vector<std::string>{"0ad374308c5a4e22f723adf10145eafad7c4031c.json"});
    auto loaded = store.load("my-sso");
    ASSERT_TRUE(loaded && *loaded);
    EXPECT_TRUE((*loaded)->access_token.equals("aoa-ACCESS-TOKEN-2"));
}

// Writes `content` over the session's state file and checks that load() reports it, moves it
// aside and answers "no state".
void expect_set_aside(SessionStore& store, const std::string& content) {
    const auto path = store.path_for("my-sso");
    ASSERT_TRUE(write_file_atomic(path, content));
    std::vector<std::pair<std::filesystem::path, Error>> reports;
    store.set_corruption_handler([&](const std::filesystem::path& moved, const Error& e) {
        reports.emplace_back(moved, e);
    });

    auto loaded = store.load("my-sso");
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_FALSE(*loaded);
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_EQ(reports[0].second.code, ErrorCode::Invalid);
    EXPECT_FALSE(std::filesystem::exists(path));
    const auto moved = reports[0].first;
    ASSERT_FALSE(moved.empty());
    EXPECT_TRUE(moved.filename().string().starts_with(path.filename().string() + ".corrupt-"))
        << moved;
    auto kept = read_file(moved);
    ASSERT_TRUE(kept);
    EXPECT_EQ(*kept, content);  // set aside, never discarded
    // The message must not quote the file's content.
    EXPECT_EQ(reports[0].second.message.find("ACCESS"), std::string::npos)
        << reports[0].second.message;
}

TEST_F(SessionStoreTest, TruncatedFileIsSetAsideAndReported) {
    auto store = make_store();
    ASSERT_TRUE(store.save(sample_state()));
    const std::string full = file_content(store.path_for("my-sso"));
    expect_set_aside(store, full.substr(0, full.size() / 2));
}

TEST_F(SessionStoreTest, GarbageIsSetAside) {
    auto store = make_store();
    ASSERT_TRUE(store.save(sample_state()));
    expect_set_aside(store, "{\"accessToken\": \"aoa-ACCESS-TOKEN-LEAK");
}

TEST_F(SessionStoreTest, MissingVersionIsSetAside) {
    auto store = make_store();
    ASSERT_TRUE(store.save(sample_state()));
    expect_set_aside(store, R"({"session": "my-sso"})");
}

TEST_F(SessionStoreTest, TamperedSealIsSetAside) {
    auto store = make_store();
    ASSERT_TRUE(store.save(sample_state()));
    std::string text = file_content(store.path_for("my-sso"));
    const auto pos = text.find("\"sealed\": \"") + 11;
    text[pos + 40] = text[pos + 40] == 'a' ? 'b' : 'a';
    expect_set_aside(store, text);
}

TEST_F(SessionStoreTest, LostKeySetsAsideTheFile) {
    auto store = make_store();
    ASSERT_TRUE(store.save(sample_state()));
    const std::string text = file_content(store.path_for("my-sso"));
    std::filesystem::remove(dir.path() / "state" / "keys" / SessionStore::kStateKeyName);
    auto fresh = make_store();
    expect_set_aside(fresh, text);
}

TEST_F(SessionStoreTest, FileOfAnotherSessionIsSetAside) {
    auto store = make_store();
    ASSERT_TRUE(store.save(sample_state("other")));
    expect_set_aside(store, file_content(store.path_for("other")));
}

TEST_F(SessionStoreTest, NewerVersionIsIgnoredButKept) {
    auto store = make_store();
    const auto path = store.path_for("my-sso");
    ASSERT_TRUE(store.save(sample_state()));
    ASSERT_TRUE(write_file_atomic(path, R"({"version": 99, "session": "my-sso"})"));
    auto loaded = store.load("my-sso");
    ASSERT_TRUE(loaded);
    EXPECT_FALSE(*loaded);
    EXPECT_TRUE(std::filesystem::exists(path));
}

TEST_F(SessionStoreTest, EraseRemovesTheFileAndToleratesAbsence) {
    auto store = make_store();
    ASSERT_TRUE(store.save(sample_state()));
    ASSERT_TRUE(store.erase("my-sso"));
    EXPECT_FALSE(std::filesystem::exists(store.path_for("my-sso")));
    EXPECT_TRUE(store.erase("my-sso"));
    auto loaded = store.load("my-sso");
    ASSERT_TRUE(loaded);
    EXPECT_FALSE(*loaded);
}

TEST_F(SessionStoreTest, RejectsStateWithoutSession) {
    TokenState s = sample_state();
    s.session.clear();
    EXPECT_FALSE(make_store().save(s));
}

}  // namespace
}  // namespace ssocred
