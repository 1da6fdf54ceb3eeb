// The container-credentials endpoint over a real listener.
#include <nlohmann/json.hpp>

#include "serve_test_support.hpp"

namespace ssocred::serve::test {
namespace {

using namespace std::chrono_literals;

void expect_json_error(const HttpResponse& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(r.header("content-type"), "application/json");
    const auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j.at("code"), code);
    EXPECT_EQ(j.at("Code"), code);
    EXPECT_FALSE(j.at("message").get<std::string>().empty());
    EXPECT_EQ(j.at("message"), j.at("Message"));
}

TEST_F(ServeTest, ActiveRoleWithMainToken) {
    start();
    auto r = request(get("/v1/credentials", auth(token())));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("content-type"), "application/json");
    EXPECT_EQ(r->body, source.creds["111111111111/Dev"]->container_json);
    EXPECT_EQ(r->header("cache-control"), "no-store");
    EXPECT_GE(metrics.requests(EndpointKind::Container, 200), 1u);
}

TEST_F(ServeTest, BearerFormAccepted) {
    start();
    auto r = request(get("/v1/credentials", auth("Bearer " + token())));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
}

TEST_F(ServeTest, ProfileAndRolePaths) {
    source.async = true;
    start();
    auto p = request(get("/v1/profiles/ops/credentials", auth(token())));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->status, 200);
    EXPECT_EQ(p->body, source.creds["222222222222/Ops"]->container_json);
    auto a = request(get("/v1/accounts/222222222222/roles/Ops/credentials", auth(token())));
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, 200);
    EXPECT_EQ(a->body, p->body);
}

TEST_F(ServeTest, MissingAndBadTokens) {
    start();
    auto none = request(get("/v1/credentials"));
    ASSERT_TRUE(none);
    expect_json_error(*none, 401, "unauthorized");
    auto bad = request(get("/v1/credentials", auth(std::string(64, 'a'))));
    ASSERT_TRUE(bad);
    expect_json_error(*bad, 401, "unauthorized");
    // The error never echoes the presented token.
    EXPECT_EQ(bad->body.find(std::string(64, 'a')), std::string::npos);
}

TEST_F(ServeTest, ErrorsMapToStatuses) {
    source.errors["111111111111/Dev"] =
        Error::make(ErrorCode::LoginRequired, "the SSO session expired: run `ssocred login`");
    source.errors["222222222222/Ops"] =
        Error::make(ErrorCode::Network, "Identity Center unreachable");
    start();
    auto lr = request(get("/v1/credentials", auth(token())));
    ASSERT_TRUE(lr);
    expect_json_error(*lr, 503, "login_required");
    EXPECT_NE(lr->body.find("ssocred login"), std::string::npos);
    auto up = request(get("/v1/profiles/ops/credentials", auth(token())));
    ASSERT_TRUE(up);
    expect_json_error(*up, 503, "upstream_unavailable");
    auto unknown_profile = request(get("/v1/profiles/nope/credentials", auth(token())));
    ASSERT_TRUE(unknown_profile);
    expect_json_error(*unknown_profile, 404, "not_found");
    auto unknown_role =
        request(get("/v1/accounts/333333333333/roles/X/credentials", auth(token())));
    ASSERT_TRUE(unknown_role);
    expect_json_error(*unknown_role, 404, "not_found");
}

TEST_F(ServeTest, NoActiveRole) {
    source.active.reset();
    start();
    auto r = request(get("/v1/credentials", auth(token())));
    ASSERT_TRUE(r);
    expect_json_error(*r, 404, "not_found");
}

TEST_F(ServeTest, UnknownPathAndWrongMethod) {
    start();
    auto p = request(get("/v1/nothing", auth(token())));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->status, 404);
    auto m = request(get("/v1/credentials", auth(token()) + "Content-Length: 0\r\n", "POST"));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->status, 405);
    EXPECT_EQ(m->header("allow"), "GET, HEAD");
    auto root = request(get("/", auth(token())));
    ASSERT_TRUE(root);
    EXPECT_EQ(root->status, 404);
}

TEST_F(ServeTest, HeadHasNoBody) {
    start();
    Conn c = Conn::tcp(port);
    c.send(get("/v1/credentials", auth(token()), "HEAD"));
    auto r = c.read(/*head=*/true);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("content-length"),
              std::to_string(source.creds["111111111111/Dev"]->container_json.size()));
    c.send(get("/v1/credentials", auth(token())));
    auto r2 = c.read();
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2->status, 200);  // the HEAD left no stray body on the wire
}

TEST_F(ServeTest, ScopedTokens) {
    auto minted = tokens->mint(role("222222222222", "Ops"), std::nullopt, false, "ci");
    ASSERT_TRUE(minted);
    const std::string scoped = minted->token.reveal();
    auto expiring = tokens->mint(role("222222222222", "Ops"), Seconds(60), false, "");
    ASSERT_TRUE(expiring);
    const std::string short_lived = expiring->token.reveal();
    auto revoked = tokens->mint(role("222222222222", "Ops"), std::nullopt, false, "");
    ASSERT_TRUE(revoked);
    const std::string revoked_value = revoked->token.reveal();
    ASSERT_TRUE(tokens->revoke(revoked->info.id));
    start();

    // Its own role, by every path that names it; /v1/credentials means its role.
    for (const char* path : {"/v1/credentials", "/v1/profiles/ops/credentials",
                             "/v1/accounts/222222222222/roles/Ops/credentials"}) {
        auto r = request(get(path, auth(scoped)));
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 200) << path;
        EXPECT_EQ(r->body, source.creds["222222222222/Ops"]->container_json) << path;
    }
    // Another role's path.
    auto other = request(get("/v1/profiles/dev/credentials", auth(scoped)));
    ASSERT_TRUE(other);
    expect_json_error(*other, 403, "forbidden");
    auto other2 =
        request(get("/v1/accounts/111111111111/roles/Dev/credentials", auth("Bearer " + scoped)));
    ASSERT_TRUE(other2);
    EXPECT_EQ(other2->status, 403);
    // Revoked.
    auto rv = request(get("/v1/credentials", auth(revoked_value)));
    ASSERT_TRUE(rv);
    EXPECT_EQ(rv->status, 401);
    // Expired.
    auto live = request(get("/v1/credentials", auth(short_lived)));
    ASSERT_TRUE(live);
    EXPECT_EQ(live->status, 200);
    token_clock->advance(61s);
    auto dead = request(get("/v1/credentials", auth(short_lived)));
    ASSERT_TRUE(dead);
    EXPECT_EQ(dead->status, 401);
}

// A scoped token's holder gets the same 403 (same body) for a profile that does not exist,
// a malformed name and another role's profile: no oracle for which profile names exist.
// The main token still tells them apart (404 for an unknown profile).
TEST_F(ServeTest, ScopedTokenCannotProbeProfileNames) {
    auto minted = tokens->mint(role("222222222222", "Ops"), std::nullopt, false, "");
    ASSERT_TRUE(minted);
    const std::string scoped = minted->token.reveal();
    start();
    std::optional<std::string> first_body;
    for (const char* path : {"/v1/profiles/dev/credentials", "/v1/profiles/no-such/credentials",
                             "/v1/profiles/bad%zz/credentials"}) {
        auto r = request(get(path, auth(scoped)));
        ASSERT_TRUE(r) << path;
        expect_json_error(*r, 403, "forbidden");
        if (!first_body) first_body = r->body;
        EXPECT_EQ(r->body, *first_body) << path;
    }
    auto own = request(get("/v1/profiles/ops/credentials", auth(scoped)));
    ASSERT_TRUE(own);
    EXPECT_EQ(own->status, 200);
    auto unknown = request(get("/v1/profiles/no-such/credentials", auth(token())));
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->status, 404);
}

TEST_F(ServeTest, NoCorsHeadersEver) {
    start();
    auto r = request(get("/v1/credentials", auth(token())));
    ASSERT_TRUE(r);
    for (const auto& [name, value] : r->headers) {
        EXPECT_EQ(name.rfind("access-control-", 0), std::string::npos) << name;
    }
}

}  // namespace
}  // namespace ssocred::serve::test
