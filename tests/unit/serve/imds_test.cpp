// The IMDSv2 endpoint over a real listener.
#include <nlohmann/json.hpp>

#include "serve_test_support.hpp"

namespace ssocred::serve::test {
namespace {

using namespace std::chrono_literals;

std::string ttl(const std::string& v) {
    return "X-aws-ec2-metadata-token-ttl-seconds: " + v + "\r\n";
}
std::string tok(const std::string& v) {
    return "X-aws-ec2-metadata-token: " + v + "\r\n";
}

// IMDS has no shared secret, so it serves only the daemon's own user. A build whose OS layer
// cannot tell who owns a TCP connection (portable) refuses everyone, saying why.
TEST_F(ServeTest, ImdsIsRefusedWhereTcpOwnersAreUnknown) {
    options.imds_require_same_uid = true;
    start();
    auto r = request(get("/latest/api/token", ttl("300"), "PUT"));
    ASSERT_TRUE(r);
    if (tcp_owners_known()) {
        EXPECT_EQ(r->status, 200);
    } else {
        EXPECT_EQ(r->status, 403);
        EXPECT_NE(r->body.find("container endpoint"), std::string::npos) << r->body;
    }
}

TEST_F(ServeTest, ImdsTokenPut) {
    start();
    auto r = request(get("/latest/api/token", ttl("300"), "PUT"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("x-aws-ec2-metadata-token-ttl-seconds"), "300");
    EXPECT_EQ(r->header("content-type"), "text/plain");
    ASSERT_FALSE(r->body.empty());
    for (char c : r->body) EXPECT_TRUE(c > 0x20 && c < 0x7f);
    for (const char* v : {"1", "21600"}) {
        auto ok = request(get("/latest/api/token", ttl(v), "PUT"));
        ASSERT_TRUE(ok);
        EXPECT_EQ(ok->status, 200) << v;
    }
}

TEST_F(ServeTest, ImdsTokenPutRejections) {
    start();
    for (const char* v : {"0", "21601", "abc", "-5", "", "10x"}) {
        auto r = request(get("/latest/api/token", ttl(v), "PUT"));
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 400) << v;
    }
    auto missing = request(get("/latest/api/token", "", "PUT"));
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 400);
    auto xff =
        request(get("/latest/api/token", ttl("60") + "X-Forwarded-For: 10.0.0.1\r\n", "PUT"));
    ASSERT_TRUE(xff);
    EXPECT_EQ(xff->status, 403);
    auto version = request(get("/2021-03-23/api/token", ttl("60"), "PUT"));
    ASSERT_TRUE(version);
    EXPECT_EQ(version->status, 403);
}

// Every header by which a proxy says it relays for someone else refuses a token, as
// X-Forwarded-For always did; the names match case-insensitively.
TEST_F(ServeTest, ImdsTokenPutThroughAProxyIsRefused) {
    start();
    for (const char* h :
         {"Forwarded: for=10.0.0.1", "forwarded: for=\"[::1]\"", "X-Real-IP: 10.0.0.1",
          "x-real-ip: 127.0.0.1", "Via: 1.1 squid", "VIA: HTTP/1.1 proxy.example"}) {
        auto r = request(get("/latest/api/token", ttl("60") + h + "\r\n", "PUT"));
        ASSERT_TRUE(r) << h;
        EXPECT_EQ(r->status, 403) << h;
    }
    auto plain = request(get("/latest/api/token", ttl("60"), "PUT"));
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->status, 200);
}

TEST_F(ServeTest, ImdsGetNeedsToken) {
    start();
    auto r = request(get("/latest/meta-data/iam/security-credentials/"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    auto bad =
        request(get("/latest/meta-data/iam/security-credentials/", tok("bogus-token-value")));
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 401);
}

TEST_F(ServeTest, ImdsCredentialPaths) {
    source.async = true;
    start();
    const std::string t = imds_token();
    ASSERT_FALSE(t.empty());
    auto list = request(get("/latest/meta-data/iam/security-credentials/", tok(t)));
    ASSERT_TRUE(list);
    EXPECT_EQ(list->status, 200);
    EXPECT_EQ(list->body, "Dev");  // exactly the name, no trailing newline
    EXPECT_EQ(list->header("content-type"), "text/plain");

    auto creds = request(get("/latest/meta-data/iam/security-credentials/Dev", tok(t)));
    ASSERT_TRUE(creds);
    EXPECT_EQ(creds->status, 200);
    EXPECT_EQ(creds->body, source.creds["111111111111/Dev"]->imds_json);

    auto ext_list = request(get("/latest/meta-data/iam/security-credentials-extended/", tok(t)));
    ASSERT_TRUE(ext_list);
    EXPECT_EQ(ext_list->body, "Dev");
    auto ext = request(get("/latest/meta-data/iam/security-credentials-extended/Dev", tok(t)));
    ASSERT_TRUE(ext);
    EXPECT_EQ(ext->body, source.creds["111111111111/Dev"]->imds_extended_json);

    auto unknown = request(get("/latest/meta-data/iam/security-credentials/Other", tok(t)));
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->status, 404);

    // Java's "//latest" quirk.
    auto java = request(get("//latest/meta-data/iam/security-credentials/Dev", tok(t)));
    ASSERT_TRUE(java);
    EXPECT_EQ(java->status, 200);
    EXPECT_EQ(java->body, creds->body);
}

TEST_F(ServeTest, ImdsInfoPlacementAndDocument) {
    start();
    const std::string t = imds_token();
    auto info = request(get("/latest/meta-data/iam/info", tok(t)));
    ASSERT_TRUE(info);
    ASSERT_EQ(info->status, 200);
    const auto j = nlohmann::json::parse(info->body);
    EXPECT_EQ(j.at("Code"), "Success");
    EXPECT_EQ(j.at("InstanceProfileArn"), "arn:aws:iam::111111111111:instance-profile/Dev");
    EXPECT_TRUE(j.contains("LastUpdated"));
    EXPECT_TRUE(j.contains("InstanceProfileId"));

    auto region = request(get("/latest/meta-data/placement/region", tok(t)));
    ASSERT_TRUE(region);
    EXPECT_EQ(region->body, "eu-west-1");
    for (const char* p : {"/latest/meta-data/placement/availability-zone",
                          "/latest/meta-data/placement/availability-zone/"}) {
        auto az = request(get(p, tok(t)));
        ASSERT_TRUE(az);
        EXPECT_EQ(az->status, 200) << p;
        EXPECT_EQ(az->body, "eu-west-1a") << p;
    }
    auto doc = request(get("/latest/dynamic/instance-identity/document", tok(t)));
    ASSERT_TRUE(doc);
    ASSERT_EQ(doc->status, 200);
    const auto d = nlohmann::json::parse(doc->body);
    EXPECT_EQ(d.at("region"), "eu-west-1");
    EXPECT_EQ(d.at("accountId"), "111111111111");

    auto listing = request(get("/latest/meta-data/", tok(t)));
    ASSERT_TRUE(listing);
    EXPECT_EQ(listing->status, 200);
    EXPECT_EQ(listing->body, "iam/\nplacement/");
    auto iam = request(get("/latest/meta-data/iam/", tok(t)));
    ASSERT_TRUE(iam);
    EXPECT_EQ(iam->body, "info\nsecurity-credentials/");
    auto nope = request(get("/latest/meta-data/nothing-here", tok(t)));
    ASSERT_TRUE(nope);
    EXPECT_EQ(nope->status, 404);
}

TEST_F(ServeTest, ImdsNoActiveRoleIs404) {
    source.active.reset();
    start();
    const std::string t = imds_token();
    auto r = request(get("/latest/meta-data/iam/security-credentials/", tok(t)));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404);
}

TEST_F(ServeTest, ImdsEngineErrorIsJson) {
    source.errors["111111111111/Dev"] =
        Error::make(ErrorCode::LoginRequired, "run `ssocred login`");
    start();
    const std::string t = imds_token();
    auto r = request(get("/latest/meta-data/iam/security-credentials/Dev", tok(t)));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
    EXPECT_EQ(nlohmann::json::parse(r->body).at("Code"), "login_required");
}

TEST_F(ServeTest, ImdsTokenExpires) {
    ManualClock clock(std::chrono::system_clock::now());
    options.clock = &clock;
    start();
    const std::string t = imds_token(5);
    auto ok = request(get("/latest/meta-data/placement/region", tok(t)));
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
    clock.advance(5s);  // expired when age >= TTL
    auto expired = request(get("/latest/meta-data/placement/region", tok(t)));
    ASSERT_TRUE(expired);
    EXPECT_EQ(expired->status, 401);
    TearDown();  // the clock dies with this scope
}

TEST_F(ServeTest, ImdsV1Mode) {
    options.imds_v1 = true;
    start();
    auto r = request(get("/latest/meta-data/iam/security-credentials/"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "Dev");
    auto bad =
        request(get("/latest/meta-data/iam/security-credentials/", tok("not-a-token-at-all")));
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 401);
}

TEST_F(ServeTest, ImdsWrongMethods) {
    start();
    auto r = request(get("/latest/meta-data/", "Content-Length: 0\r\n", "DELETE"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 405);
    auto g = request(get("/latest/api/token"));
    ASSERT_TRUE(g);
    EXPECT_EQ(g->status, 405);
}

}  // namespace
}  // namespace ssocred::serve::test
