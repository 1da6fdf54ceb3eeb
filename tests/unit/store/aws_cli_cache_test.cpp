#include "store/aws_cli_cache.hpp"

#include <fstream>
#include <regex>
#include <sys/stat.h>
#include <sys/time.h>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ssocred/paths.hpp"

#include "store/atomic_file.hpp"
#include "store/file_lock.hpp"
#include "store_test_util.hpp"

namespace ssocred {
namespace {

using nlohmann::json;
using test::mode_of;
using test::sample_state;
using test::TempDir;

constexpr const char* kSessionFile = "0ad374308c5a4e22f723adf10145eafad7c4031c.json";

json read_json(const std::filesystem::path& p) {
    auto text = read_file(p);
    EXPECT_TRUE(text);
    return json::parse(text ? *text : std::string("null"));
}

void write_raw(const std::filesystem::path& p, const std::string& content) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
}

void set_mtime(const std::filesystem::path& p, SystemTime t) {
    const timeval tv[2] = {{static_cast<time_t>(to_epoch_seconds(t)), 0},
                           {static_cast<time_t>(to_epoch_seconds(t)), 0}};
    ASSERT_EQ(::utimes(p.c_str(), tv), 0);
}

TEST(AwsCliCacheKeys, TokenKeyVectors) {
    // PROTOCOLS.md §6.1
    EXPECT_EQ(aws_cli::token_cache_key("my-sso"), "0ad374308c5a4e22f723adf10145eafad7c4031c");
    EXPECT_EQ(aws_cli::token_cache_key("https://d-1234567890.awsapps.com/start"),
              "7487b5b67d5fa1132cf33fa93ae51ef38cc37752");
}

TEST(AwsCliCacheKeys, RegistrationKeyVector) {
    // PROTOCOLS.md §5.1
    aws_cli::RegistrationKey key{"https://d-1234567890.awsapps.com/start", "us-east-1",
                                 std::vector<std::string>{"sso:account:access"},
                                 std::string("my-sso")};
    auto text = aws_cli::registration_key_json(key);
    ASSERT_TRUE(text);
    EXPECT_EQ(
        *text,
        R"({"region": "us-east-1", "scopes": ["sso:account:access"], "session_name": "my-sso", )"
        R"("startUrl": "https://d-1234567890.awsapps.com/start", "tool": "botocore"})");
    auto sha = aws_cli::registration_cache_key(key);
    ASSERT_TRUE(sha);
    EXPECT_EQ(*sha, "a8343d65418848d0bc13a5f25cbb32508ceec5d1");
}

TEST(AwsCliCacheKeys, RegistrationKeyNullsAndPythonEscaping) {
    // json.dumps({"tool":"botocore","startUrl":"https://x/é\"","region":"r","scopes":None,
    //             "session_name":None}, sort_keys=True)
    aws_cli::RegistrationKey key{"https://x/\xc3\xa9\"", "r", std::nullopt, std::nullopt};
    auto text = aws_cli::registration_key_json(key);
    ASSERT_TRUE(text);
    EXPECT_EQ(
        *text,
        R"({"region": "r", "scopes": null, "session_name": null, "startUrl": "https://x/\u00e9\"", "tool": "botocore"})");
    key.start_url = "\xff";  // not UTF-8
    EXPECT_FALSE(aws_cli::registration_key_json(key));
}

class AwsCliCacheTest : public ::testing::Test {
  protected:
    TempDir home;
    std::filesystem::path dir = home.path() / ".aws" / "sso" / "cache";
    AwsCliCache cache{dir, std::chrono::milliseconds(100)};
    std::filesystem::path file = dir / kSessionFile;
};

TEST_F(AwsCliCacheTest, DefaultDirectoryFollowsHome) {
    test::ScopedEnv env("HOME", home.path().string());
    EXPECT_EQ(AwsCliCache().dir(), dir);
    EXPECT_EQ(AwsCliCache().token_path("my-sso"), file);
}

TEST_F(AwsCliCacheTest, WritesExactlyTheCliFormat) {
    auto r = cache.write_token(sample_state());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(r->written);
    EXPECT_FALSE(r->newer_on_disk);

    EXPECT_EQ(mode_of(dir), 0700u);
    EXPECT_EQ(mode_of(file), 0600u);
    const json j = read_json(file);
    ASSERT_TRUE(j.is_object());
    std::vector<std::string> names;
    for (const auto& [k, v] : j.items()) {
        names.push_back(k);
        EXPECT_TRUE(v.is_string()) << k;
    }
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"accessToken", "clientId", "clientSecret",
                                               "expiresAt", "refreshToken", "region",
                                               "registrationExpiresAt", "startUrl"}));
    EXPECT_EQ(j["startUrl"], "https://d-1234567890.awsapps.com/start");
    EXPECT_EQ(j["region"], "us-east-1");
    EXPECT_EQ(j["accessToken"], "aoa-ACCESS-TOKEN-1");
    EXPECT_EQ(j["refreshToken"], "aor-REFRESH-TOKEN-1");
    EXPECT_EQ(j["clientId"], "client-id-1");
    EXPECT_EQ(j["clientSecret"], "client-SECRET-1");
    EXPECT_EQ(j["expiresAt"], "2026-11-18T11:06:40Z");
    EXPECT_EQ(j["registrationExpiresAt"], "2027-02-16T10:00:00Z");
    const std::regex utc(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
    EXPECT_TRUE(std::regex_match(j["expiresAt"].get<std::string>(), utc));
    EXPECT_TRUE(std::regex_match(j["registrationExpiresAt"].get<std::string>(), utc));
    // Only the token file and its lock: no temporary left behind.
    EXPECT_EQ(test::list_dir(dir),
              (std::vector<std::string>{kSessionFile, std::string(kSessionFile) + ".lock"}));
}

TEST_F(AwsCliCacheTest, TokenOnlyWritesWhatTheSdksNeedAndNoRefreshSecrets) {
    // `--aws-cache=sync`: botocore's SSOTokenProvider (and the JS and Go providers) need
    // startUrl, region, accessToken and expiresAt; a CLI-written file's refresh secrets are
    // removed (the read before this write imported them), unknown members stay.
    write_raw(
        file,
        R"({"startUrl": "https://old", "accessToken": "old", "expiresAt": "2020-01-01T00:00:00Z",
                  "refreshToken": "aor-CLI", "clientId": "cli-client", "clientSecret": "cli-SECRET",
                  "registrationExpiresAt": "2027-01-01T00:00:00Z", "custom": 7})");
    set_mtime(file, SystemTime{});
    AwsCliCache token_only{dir, std::chrono::milliseconds(10), AwsCliCache::Write::TokenOnly};
    auto r = token_only.write_token(sample_state());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(r->written);
    EXPECT_EQ(mode_of(file), 0600u);
    const json j = read_json(file);
    std::vector<std::string> names;
    for (const auto& [k, v] : j.items()) names.push_back(k);
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"accessToken", "custom", "expiresAt", "region",
                                               "startUrl"}));
    EXPECT_EQ(j["accessToken"], "aoa-ACCESS-TOKEN-1");
    EXPECT_EQ(j["expiresAt"], "2026-11-18T11:06:40Z");
    EXPECT_EQ(j["startUrl"], "https://d-1234567890.awsapps.com/start");
    EXPECT_EQ(j["region"], "us-east-1");
    auto text = read_file(file);
    ASSERT_TRUE(text);
    EXPECT_EQ(text->find("REFRESH"), std::string::npos);
    EXPECT_EQ(text->find("SECRET"), std::string::npos);

    // Read back: a usable token without a registration or a refresh token.
    auto back = token_only.read_token("my-sso");
    ASSERT_TRUE(back && *back);
    EXPECT_TRUE((*back)->access_token.equals("aoa-ACCESS-TOKEN-1"));
    EXPECT_TRUE((*back)->refresh_token.empty());
    EXPECT_FALSE((*back)->registration);
}

TEST_F(AwsCliCacheTest, ReadsBackWhatItWrote) {
    ASSERT_TRUE(cache.write_token(sample_state()));
    auto r = cache.read_token("my-sso");
    ASSERT_TRUE(r && *r);
    const TokenState& s = **r;
    EXPECT_EQ(s.session, "my-sso");
    EXPECT_TRUE(s.access_token.equals("aoa-ACCESS-TOKEN-1"));
    EXPECT_TRUE(s.refresh_token.equals("aor-REFRESH-TOKEN-1"));
    EXPECT_EQ(s.access_token_expires_at, from_epoch_seconds(1795000000));
    ASSERT_TRUE(s.registration);
    EXPECT_EQ(s.registration->client_id, "client-id-1");
    EXPECT_TRUE(s.registration->client_secret.equals("client-SECRET-1"));
    EXPECT_EQ(s.registration->expires_at, from_epoch_seconds(1802772000));
}

TEST_F(AwsCliCacheTest, ReadsLenientTimestampsAndMinimalFiles) {
    write_raw(file, R"({"accessToken": "tok", "expiresAt": "2026-11-18T12:06:40.123+01:00"})");
    auto r = cache.read_token("my-sso");
    ASSERT_TRUE(r && *r);
    EXPECT_EQ((*r)->access_token_expires_at, from_epoch_seconds(1795000000));
    EXPECT_FALSE((*r)->registration);
    EXPECT_TRUE((*r)->refresh_token.empty());

    write_raw(file,
              R"({"accessToken": "tok", "expiresAt": "2026-11-18T11:06:40UTC"})");  // early CLI v2
    r = cache.read_token("my-sso");
    ASSERT_TRUE(r && *r);
    EXPECT_EQ((*r)->access_token_expires_at, from_epoch_seconds(1795000000));
}

TEST_F(AwsCliCacheTest, MissingFileOrDirectoryIsNoToken) {
    auto r = cache.read_token("my-sso");
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
    EXPECT_FALSE(std::filesystem::exists(dir));  // reading never creates the directory
}

TEST_F(AwsCliCacheTest, PreservesUnknownMembers) {
    write_raw(
        file,
        R"({"accessToken": "old", "expiresAt": "2020-01-01T00:00:00Z", "futureMember": {"a": [1, 2]}, "x": "y"})");
    ASSERT_TRUE(cache.write_token(sample_state()));
    const json j = read_json(file);
    EXPECT_EQ(j["futureMember"], json::parse(R"({"a": [1, 2]})"));
    EXPECT_EQ(j["x"], "y");
    EXPECT_EQ(j["accessToken"], "aoa-ACCESS-TOKEN-1");
}

TEST_F(AwsCliCacheTest, KeepsOldRefreshTokenWhenOursHasNone) {
    ASSERT_TRUE(cache.write_token(sample_state()));
    TokenState refreshed = sample_state();
    refreshed.access_token = Secret(std::string("aoa-ACCESS-TOKEN-2"));
    refreshed.access_token_expires_at += std::chrono::hours(1);
    refreshed.refresh_token = Secret();
    ASSERT_TRUE(cache.write_token(refreshed));
    const json j = read_json(file);
    EXPECT_EQ(j["accessToken"], "aoa-ACCESS-TOKEN-2");
    EXPECT_EQ(j["refreshToken"], "aor-REFRESH-TOKEN-1");
}

TEST_F(AwsCliCacheTest, DropsRefreshTokenOfAnotherClient) {
    ASSERT_TRUE(cache.write_token(sample_state()));
    TokenState other = sample_state();
    other.access_token_expires_at += std::chrono::hours(1);
    other.refresh_token = Secret();
    other.registration->client_id = "client-id-2";
    ASSERT_TRUE(cache.write_token(other));
    const json j = read_json(file);
    EXPECT_EQ(j["clientId"], "client-id-2");
    EXPECT_FALSE(j.contains("refreshToken"));
}

TEST_F(AwsCliCacheTest, NewerTokenOnDiskWins) {
    // Another tool refreshed: later expiry, new refresh token.
    write_raw(
        file,
        R"({"accessToken": "from-cli", "expiresAt": "2026-11-18T12:06:40Z", "refreshToken": "cli-rt",
                        "clientId": "c", "clientSecret": "s", "registrationExpiresAt": "2027-01-01T00:00:00Z"})");
    auto r = cache.write_token(sample_state());  // expires 11:06:40
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->written);
    ASSERT_TRUE(r->newer_on_disk);
    EXPECT_TRUE(r->newer_on_disk->access_token.equals("from-cli"));
    EXPECT_TRUE(r->newer_on_disk->refresh_token.equals("cli-rt"));
    EXPECT_EQ(r->newer_on_disk->session, "my-sso");
    EXPECT_EQ(read_json(file)["accessToken"], "from-cli");  // untouched
}

TEST_F(AwsCliCacheTest, SameExpiryDifferentTokenIssuedLaterWins) {
    const TokenState ours = sample_state();  // issued_at 1794996400
    write_raw(file, R"({"accessToken": "from-cli", "expiresAt": "2026-11-18T11:06:40Z"})");
    set_mtime(file, ours.issued_at + std::chrono::seconds(10));
    auto r = cache.write_token(ours);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->written);
    ASSERT_TRUE(r->newer_on_disk);

    // ...but a file older than our token loses.
    set_mtime(file, ours.issued_at - std::chrono::seconds(10));
    r = cache.write_token(ours);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->written);
    EXPECT_EQ(read_json(file)["accessToken"], "aoa-ACCESS-TOKEN-1");
}

TEST_F(AwsCliCacheTest, OlderTokenOnDiskIsReplaced) {
    write_raw(file, R"({"accessToken": "stale", "expiresAt": "2026-11-18T10:00:00Z"})");
    auto r = cache.write_token(sample_state());
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->written);
    EXPECT_EQ(read_json(file)["accessToken"], "aoa-ACCESS-TOKEN-1");
}

TEST_F(AwsCliCacheTest, HalfWrittenFileIsReReadAfterADelay) {
    const std::string full = R"({"accessToken": "complete", "expiresAt": "2026-11-18T11:06:40Z"})";
    write_raw(file, full.substr(0, 20));  // a JS/Rust writer mid-rewrite
    std::thread finisher([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        write_raw(file, full);
    });
    auto r = cache.read_token("my-sso");
    finisher.join();
    ASSERT_TRUE(r);
    ASSERT_TRUE(*r);
    EXPECT_TRUE((*r)->access_token.equals("complete"));
}

TEST_F(AwsCliCacheTest, PersistentlyBrokenFileIsIgnored) {
    write_raw(file, R"({"accessToken": "trunc)");
    auto r = cache.read_token("my-sso");
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
    write_raw(file, R"({"accessToken": "no expiry"})");
    r = cache.read_token("my-sso");
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
    // and a write repairs it
    auto w = cache.write_token(sample_state());
    ASSERT_TRUE(w);
    EXPECT_TRUE(w->written);
    EXPECT_EQ(read_json(file)["accessToken"], "aoa-ACCESS-TOKEN-1");
}

TEST_F(AwsCliCacheTest, WriteWaitsForTheLockOfAnotherProcess) {
    ASSERT_TRUE(cache.write_token(sample_state()));
    auto lock = FileLock::acquire(dir / (std::string(kSessionFile) + ".lock"));
    ASSERT_TRUE(lock);
    auto held = FileLock::acquire(dir / (std::string(kSessionFile) + ".lock"),
                                  std::chrono::milliseconds(30));
    ASSERT_FALSE(held);
    EXPECT_EQ(held.error().code, ErrorCode::Timeout);
}

TEST_F(AwsCliCacheTest, RejectsStateWithoutAccessToken) {
    TokenState s = sample_state();
    s.access_token = Secret();
    auto r = cache.write_token(s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::Invalid);
    EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST_F(AwsCliCacheTest, EraseDeletesTheTokenFileOnly) {
    ASSERT_TRUE(cache.write_token(sample_state()));
    aws_cli::RegistrationKey key{"https://d-1234567890.awsapps.com/start", "us-east-1",
                                 std::vector<std::string>{"sso:account:access"},
                                 std::string("my-sso")};
    ASSERT_TRUE(cache.write_registration(key, *sample_state().registration));
    ASSERT_TRUE(cache.erase_token("my-sso"));
    EXPECT_FALSE(std::filesystem::exists(file));
    EXPECT_TRUE(std::filesystem::exists(dir / "a8343d65418848d0bc13a5f25cbb32508ceec5d1.json"));
    EXPECT_TRUE(cache.erase_token("my-sso"));
    AwsCliCache nowhere(home.path() / "absent");
    EXPECT_TRUE(nowhere.erase_token("my-sso"));
}

TEST_F(AwsCliCacheTest, RegistrationRoundTripInTheCliFormat) {
    aws_cli::RegistrationKey key{"https://d-1234567890.awsapps.com/start", "us-east-1",
                                 std::vector<std::string>{"sso:account:access"},
                                 std::string("my-sso")};
    const ClientRegistration reg = *sample_state().registration;
    ASSERT_TRUE(cache.write_registration(key, reg));
    const auto path = dir / "a8343d65418848d0bc13a5f25cbb32508ceec5d1.json";
    EXPECT_EQ(mode_of(path), 0600u);
    const json j = read_json(path);
    EXPECT_EQ(j["clientId"], "client-id-1");
    EXPECT_EQ(j["clientSecret"], "client-SECRET-1");
    EXPECT_EQ(j["expiresAt"], "2027-02-16T10:00:00Z");
    EXPECT_EQ(j["scopes"], json::parse(R"(["sso:account:access"])"));
    EXPECT_EQ(j["grantTypes"], json::parse(R"(["authorization_code", "refresh_token"])"));
    EXPECT_FALSE(j.contains("accessToken"));  // so `aws sso logout` keeps it

    auto back = cache.read_registration(key);
    ASSERT_TRUE(back && *back);
    EXPECT_EQ((*back)->client_id, reg.client_id);
    EXPECT_EQ((*back)->client_secret, reg.client_secret);
    EXPECT_EQ((*back)->expires_at, reg.expires_at);
    EXPECT_EQ((*back)->scopes, reg.scopes);
    EXPECT_EQ((*back)->grant_types, reg.grant_types);

    // A device-flow registration replacing it must not inherit grantTypes.
    ClientRegistration device = reg;
    device.grant_types.clear();
    ASSERT_TRUE(cache.write_registration(key, device));
    EXPECT_FALSE(read_json(path).contains("grantTypes"));
}

TEST_F(AwsCliCacheTest, ReadsARegistrationWrittenByTheCli) {
    aws_cli::RegistrationKey key{"https://d-1234567890.awsapps.com/start", "us-east-1",
                                 std::nullopt, std::string("my-sso")};
    auto name = aws_cli::registration_cache_key(key);
    ASSERT_TRUE(name);
    write_raw(
        dir / (*name + ".json"),
        R"({"clientId": "cid", "clientSecret": "cs", "expiresAt": "2027-01-01T00:00:00Z", "grantTypes": ["authorization_code", "refresh_token"]})");
    auto r = cache.read_registration(key);
    ASSERT_TRUE(r && *r);
    EXPECT_EQ((*r)->client_id, "cid");
    EXPECT_TRUE((*r)->scopes.empty());
    EXPECT_EQ((*r)->grant_types.size(), 2u);
}

// Another tool wrote the file: optional members of the wrong type read as empty, a token
// needs a non-empty string accessToken, and a registration whose lists are not lists of
// strings is ignored rather than half-read.
TEST_F(AwsCliCacheTest, MistypedMembersOfAnotherToolsFile) {
    write_raw(file, R"({"accessToken": "t\u0000k", "expiresAt": "2026-11-18T11:06:40Z",
                        "startUrl": 7, "region": null, "refreshToken": 18446744073709551615,
                        "clientId": "cid", "clientSecret": false})");
    auto r = cache.read_token("my-sso");
    ASSERT_TRUE(r && *r);
    EXPECT_TRUE((*r)->access_token.equals(std::string("t\0k", 3)));
    EXPECT_EQ((*r)->start_url, "");
    EXPECT_EQ((*r)->region, "");
    EXPECT_TRUE((*r)->refresh_token.empty());
    EXPECT_FALSE((*r)->registration);  // no secret: no registration

    for (const char* bad :
         {R"({"accessToken": "", "expiresAt": "2026-11-18T11:06:40Z"})",
          R"({"accessToken": 1, "expiresAt": "2026-11-18T11:06:40Z"})",
          R"({"accessToken": null, "expiresAt": "2026-11-18T11:06:40Z"})",
          R"({"accessToken": "tok", "expiresAt": 1795000000})", R"(["accessToken"])"}) {
        SCOPED_TRACE(bad);
        write_raw(file, bad);
        auto none = cache.read_token("my-sso");
        ASSERT_TRUE(none);
        EXPECT_FALSE(*none);
    }

    aws_cli::RegistrationKey key{"https://d-1234567890.awsapps.com/start", "us-east-1",
                                 std::nullopt, std::string("my-sso")};
    auto name = aws_cli::registration_cache_key(key);
    ASSERT_TRUE(name);
    for (const char* lists : {R"("scopes": "sso:account:access")", R"("grantTypes": ["a", 1])",
                              R"("scopes": {"a": 1})"}) {
        SCOPED_TRACE(lists);
        write_raw(dir / (*name + ".json"),
                  std::string(R"({"clientId": "cid", "clientSecret": "cs", )") +
                      R"("expiresAt": "2027-01-01T00:00:00Z", )" + lists + "}");
        auto reg = cache.read_registration(key);
        ASSERT_TRUE(reg);
        EXPECT_FALSE(*reg);
    }
    write_raw(dir / (*name + ".json"),
              R"({"clientId": "cid", "clientSecret": "cs", "expiresAt": "2027-01-01T00:00:00Z",
                  "scopes": null})");
    auto reg = cache.read_registration(key);
    ASSERT_TRUE(reg && *reg);
    EXPECT_TRUE((*reg)->scopes.empty());
}

}  // namespace
}  // namespace ssocred

namespace ssocred {
namespace {

TEST(AwsCliTokenParser, AcceptsMinimalAndRejectsGarbageWithoutQuotingIt) {
    auto ok =
        aws_cli::parse_token_file(R"({"accessToken":"t","expiresAt":"2026-11-18T11:06:40Z"})", "s");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->session, "s");
    for (const char* bad :
         {"", "[]", "null", R"({"accessToken":"SECRET-PART)",
          R"({"accessToken":1,"expiresAt":"x"})", R"({"accessToken":"t","expiresAt":"tomorrow"})",
          R"({"accessToken":"","expiresAt":"2026-11-18T11:06:40Z"})"}) {
        auto r = aws_cli::parse_token_file(bad, "s");
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().message.find("SECRET"), std::string::npos);
    }
}

}  // namespace
}  // namespace ssocred
