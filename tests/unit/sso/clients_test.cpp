// OIDC and portal clients against canned responses: request shapes, error mapping, JSON
// validation, pagination and clock-skew conversion.
#include <deque>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sso/oidc_client.hpp"
#include "sso/portal_client.hpp"
#include "sso/upstream_error.hpp"

namespace ssocred::sso {
namespace {

class CannedTransport : public HttpTransport {
  public:
    Expected<HttpResponse> send(HttpRequest request) override {
        requests.push_back(request);
        if (responses.empty()) return Error::make(ErrorCode::Network, "no canned response");
        auto r = std::move(responses.front());
        responses.pop_front();
        return r;
    }
    void add(int status, std::string body, std::map<std::string, std::string> headers = {},
             std::optional<std::chrono::seconds> skew = {}) {
        HttpResponse r;
        r.status = status;
        r.body = std::move(body);
        r.headers = std::move(headers);
        r.skew = skew;
        responses.push_back(std::move(r));
    }
    std::deque<Expected<HttpResponse>> responses;
    std::vector<HttpRequest> requests;
};

ClientRegistration client() {
    ClientRegistration c;
    c.client_id = "cid";
    c.client_secret = Secret(std::string("csecret"));
    return c;
}

struct Oidc : ::testing::Test {
    std::shared_ptr<CannedTransport> t = std::make_shared<CannedTransport>();
    HttpOidcClient oidc{t, *parse_base_url("http://127.0.0.1:9/oidc")};
};

TEST_F(Oidc, CreateTokenRefreshBodyAndResponse) {
    t->add(200,
           R"({"accessToken":"AT","tokenType":"Bearer","expiresIn":3600,"refreshToken":"RT2"})");
    auto r = oidc.create_token_refresh(client(), Secret(std::string("RT")));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->access_token.reveal(), "AT");
    EXPECT_EQ(r->refresh_token.reveal(), "RT2");
    EXPECT_EQ(r->expires_in, std::chrono::seconds(3600));
    ASSERT_EQ(t->requests.size(), 1u);
    EXPECT_EQ(t->requests[0].method, "POST");
    EXPECT_EQ(t->requests[0].target, "/token");
    EXPECT_EQ(t->requests[0].content_type, "application/json");
    EXPECT_EQ(nlohmann::json::parse(t->requests[0].body),
              (nlohmann::json{{"clientId", "cid"},
                              {"clientSecret", "csecret"},
                              {"grantType", "refresh_token"},
                              {"refreshToken", "RT"}}));
}

TEST_F(Oidc, DeviceAndAuthCodeBodies) {
    t->add(200, R"({"accessToken":"AT","expiresIn":60})");
    t->add(200, R"({"accessToken":"AT","expiresIn":60})");
    ASSERT_TRUE(oidc.create_token_device(client(), Secret(std::string("DC"))));
    ASSERT_TRUE(oidc.create_token_auth_code(client(), Secret(std::string("CODE")),
                                            "http://127.0.0.1:5/oauth/callback",
                                            Secret(std::string("VER"))));
    auto d = nlohmann::json::parse(t->requests[0].body);
    EXPECT_EQ(d["grantType"], "urn:ietf:params:oauth:grant-type:device_code");
    EXPECT_EQ(d["deviceCode"], "DC");
    auto a = nlohmann::json::parse(t->requests[1].body);
    EXPECT_EQ(a["grantType"], "authorization_code");
    EXPECT_EQ(a["redirectUri"], "http://127.0.0.1:5/oauth/callback");
    EXPECT_EQ(a["codeVerifier"], "VER");
    EXPECT_EQ(a["code"], "CODE");
}

TEST_F(Oidc, RegisterClientConvertsExpiryWithSkew) {
    // Upstream clock 100 s ahead: its absolute timestamps are 100 s later than ours.
    t->add(
        200,
        R"({"clientId":"id","clientSecret":"s","clientIdIssuedAt":1,"clientSecretExpiresAt":1800000000})",
        {}, std::chrono::seconds(100));
    RegisterClientRequest req{"ssocred-client-x",
                              {"sso:account:access"},
                              {"authorization_code", "refresh_token"},
                              {"http://127.0.0.1/oauth/callback"},
                              "https://d.awsapps.com/start"};
    auto r = oidc.register_client(req);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->expires_at, from_epoch_seconds(1800000000 - 100));
    EXPECT_EQ(oidc.clock_skew(), std::chrono::seconds(100));
    auto body = nlohmann::json::parse(t->requests[0].body);
    EXPECT_EQ(body["clientType"], "public");
    EXPECT_EQ(body["redirectUris"][0], "http://127.0.0.1/oauth/callback");
    EXPECT_EQ(body["issuerUrl"], "https://d.awsapps.com/start");
    // Device-flow registration without scopes omits the optional members.
    t->add(200, R"({"clientId":"id","clientSecret":"s","clientSecretExpiresAt":1800000000})");
    ASSERT_TRUE(oidc.register_client(RegisterClientRequest{"n", {}, {}, {}, {}}));
    EXPECT_EQ(nlohmann::json::parse(t->requests[1].body),
              (nlohmann::json{{"clientName", "n"}, {"clientType", "public"}}));
}

TEST_F(Oidc, ErrorMapping) {
    struct Case {
        int status;
        std::map<std::string, std::string> headers;
        std::string body;
        ErrorCode code;
    };
    const std::vector<Case> cases{
        {400,
         {{"x-amzn-errortype",
           "AuthorizationPendingException:http://internal.amazon.com/coral/"
           "com.amazonaws.sso.oidc/"}},
         R"({"error":"authorization_pending","error_description":"Authorization is still pending"})",
         ErrorCode::AuthorizationPending},
        {400, {}, R"({"error":"slow_down"})", ErrorCode::SlowDown},
        {400, {}, R"({"__type":"com.amazonaws#ExpiredTokenException"})", ErrorCode::ExpiredToken},
        {400, {}, R"({"error":"access_denied"})", ErrorCode::AccessDenied},
        {400, {{"x-amzn-errortype", "InvalidGrantException"}}, "{}", ErrorCode::InvalidGrant},
        {401, {}, "not json", ErrorCode::InvalidClient},
        {400, {}, R"({"error":"unauthorized_client"})", ErrorCode::InvalidClient},
        {500, {}, "", ErrorCode::UpstreamFault},
        {503, {}, "<html>", ErrorCode::UpstreamFault},
        {429, {}, "", ErrorCode::Throttled},
        {400, {}, R"({"code":"InvalidRequestException"})", ErrorCode::Invalid},
    };
    for (const auto& c : cases) {
        t->add(c.status, c.body, c.headers);
        auto r = oidc.create_token_device(client(), Secret(std::string("DEVICECODE")));
        ASSERT_FALSE(r) << c.body;
        EXPECT_EQ(r.error().code, c.code) << c.body << " -> " << r.error().message;
        EXPECT_EQ(r.error().http_status, c.status);
        EXPECT_EQ(r.error().message.find("DEVICECODE"), std::string::npos);
        EXPECT_EQ(r.error().message.find("csecret"), std::string::npos);
    }
}

TEST_F(Oidc, HostileJsonIsBadResponse) {
    for (const char* body :
         {"", "[]", "null", "{", R"({"accessToken":5,"expiresIn":60})",
          R"({"accessToken":"AT","expiresIn":"60"})", R"({"accessToken":"AT","expiresIn":-1})",
          R"({"accessToken":"AT","expiresIn":1e300})", R"({"accessToken":"","expiresIn":60})",
          R"({"accessToken":"AT"})", R"({"accessToken":["AT"],"expiresIn":{"a":1}})"}) {
        t->add(200, body);
        auto r = oidc.create_token_refresh(client(), Secret(std::string("RT")));
        ASSERT_FALSE(r) << body;
        EXPECT_EQ(r.error().code, ErrorCode::BadResponse) << body;
    }
    t->add(200,
           R"({"deviceCode":"d","userCode":"u","verificationUri":"https://v","expiresIn":600})");
    auto d = oidc.start_device_authorization(client(), "https://start");
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->interval, std::chrono::seconds(5));  // default when absent
    EXPECT_EQ(d->verification_uri_complete, "https://v");
    t->add(200, R"({"deviceCode":"d","userCode":"u","verificationUri":"https://v"})");
    EXPECT_EQ(oidc.start_device_authorization(client(), "https://start").error().code,
              ErrorCode::BadResponse);
}

TEST_F(Oidc, TransportErrorsNameTheOperation) {
    t->responses.push_back(Error::make(ErrorCode::Timeout, "h did not answer in time"));
    auto r = oidc.create_token_refresh(client(), Secret(std::string("RT")));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::Timeout);
    EXPECT_EQ(r.error().message, "CreateToken: h did not answer in time");
}

struct Portal : ::testing::Test {
    std::shared_ptr<CannedTransport> t = std::make_shared<CannedTransport>();
    ManualClock clock{from_epoch_seconds(1800000000)};
    HttpPortalClient portal{t, clock};
    Secret token{std::string("ACCESS")};
};

TEST_F(Portal, GetRoleCredentials) {
    t->add(
        200,
        R"({"roleCredentials":{"accessKeyId":"AKIA","secretAccessKey":"SK","sessionToken":"ST","expiration":1800003600000}})",
        {}, std::chrono::seconds(-30));
    auto r = portal.get_role_credentials(token, "111111111111", "Admin Role");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->access_key_id, "AKIA");
    EXPECT_EQ(r->secret_access_key.reveal(), "SK");
    EXPECT_EQ(r->session_token.reveal(), "ST");
    EXPECT_EQ(r->expiration, from_epoch_seconds(1800003600 + 30));  // upstream 30 s behind us
    EXPECT_EQ(r->issued_at, clock.now());
    EXPECT_EQ(t->requests[0].target,
              "/federation/credentials?role_name=Admin%20Role&account_id=111111111111");
    ASSERT_EQ(t->requests[0].headers.size(), 1u);
    EXPECT_EQ(t->requests[0].headers[0].first, "x-amz-sso_bearer_token");
    EXPECT_EQ(t->requests[0].headers[0].second, "ACCESS");
}

TEST_F(Portal, ErrorsAndMissingRoleCredentials) {
    t->add(
        401,
        R"({"message":"Session token not found or invalid","__type":"com.amazonaws.switchboard.portal#UnauthorizedException"})");
    auto r = portal.get_role_credentials(token, "1", "r");
    EXPECT_EQ(r.error().code, ErrorCode::Unauthorized);
    EXPECT_EQ(r.error().upstream_type, "UnauthorizedException");
    EXPECT_NE(r.error().message.find("Session token not found"), std::string::npos);
    t->add(401, "");
    EXPECT_EQ(portal.get_role_credentials(token, "1", "r").error().code, ErrorCode::Unauthorized);
    t->add(404, R"({"message":"No access"})", {{"x-amzn-errortype", "ResourceNotFoundException"}});
    EXPECT_EQ(portal.get_role_credentials(token, "1", "r").error().code, ErrorCode::NotFound);
    t->add(429, R"({"__type":"TooManyRequestsException"})");
    EXPECT_EQ(portal.get_role_credentials(token, "1", "r").error().code, ErrorCode::Throttled);
    t->add(200, R"({"message":"Forbidden"})");
    EXPECT_EQ(portal.get_role_credentials(token, "1", "r").error().code, ErrorCode::BadResponse);
    t->add(200,
           R"({"roleCredentials":{"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T"}})");
    EXPECT_EQ(portal.get_role_credentials(token, "1", "r").error().code, ErrorCode::BadResponse);
    t->add(200, R"({"roleCredentials":"x"})");
    EXPECT_EQ(portal.get_role_credentials(token, "1", "r").error().code, ErrorCode::BadResponse);
}

TEST_F(Portal, PaginationFollowsEveryNextToken) {
    t->add(
        200,
        R"({"nextToken":"p 2","accountList":[{"accountId":"1","accountName":"one","emailAddress":"a@x"}]})");
    t->add(200, R"({"accountList":[{"accountId":"2"}]})");
    auto a = portal.list_accounts(token);
    ASSERT_TRUE(a) << a.error().message;
    ASSERT_EQ(a->size(), 2u);
    EXPECT_EQ((*a)[0].account_name, "one");
    EXPECT_EQ((*a)[1].account_id, "2");
    EXPECT_EQ(t->requests[0].target, "/assignment/accounts?max_result=100");
    EXPECT_EQ(t->requests[1].target, "/assignment/accounts?max_result=100&next_token=p%202");

    t->add(200, R"({"nextToken":"n","roleList":[{"roleName":"A","accountId":"1"}]})");
    t->add(200, R"({"roleList":[{"roleName":"B","accountId":"1"}],"nextToken":""})");
    auto r = portal.list_account_roles(token, "1");
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, (std::vector<std::string>{"A", "B"}));
    EXPECT_EQ(t->requests[3].target, "/assignment/roles?account_id=1&max_result=100&next_token=n");

    t->add(200, R"({"accountList":[{"accountName":"no id"}]})");
    EXPECT_EQ(portal.list_accounts(token).error().code, ErrorCode::BadResponse);
}

TEST_F(Portal, Logout) {
    t->add(200, "");
    EXPECT_TRUE(portal.logout(token));
    EXPECT_EQ(t->requests[0].method, "POST");
    EXPECT_EQ(t->requests[0].target, "/logout");
}

TEST(UpstreamError, NormalizesTypes) {
    EXPECT_EQ(
        normalize_error_type("AuthorizationPendingException:http://internal.amazon.com/coral/x/"),
        "AuthorizationPendingException");
    EXPECT_EQ(normalize_error_type("com.amazonaws.switchboard.portal#UnauthorizedException"),
              "UnauthorizedException");
    EXPECT_EQ(normalize_error_type("aws.x#Foo:bar"), "Foo");
}

}  // namespace
}  // namespace ssocred::sso
