#include "sts/console_signin.hpp"

#include <deque>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sso/url.hpp"

namespace ssocred::sts {
namespace {

TEST(ConsoleSignin, SigninHostFollowsPartitionAndRegion) {
    EXPECT_EQ(*default_signin_base(""), "https://signin.aws.amazon.com");
    EXPECT_EQ(*default_signin_base("us-east-1"), "https://signin.aws.amazon.com");
    EXPECT_EQ(*default_signin_base("eu-west-1"), "https://eu-west-1.signin.aws.amazon.com");
    EXPECT_EQ(*default_signin_base("ap-southeast-4"),
              "https://ap-southeast-4.signin.aws.amazon.com");
    EXPECT_EQ(*default_signin_base("cn-north-1"), "https://signin.amazonaws.cn");
    EXPECT_EQ(*default_signin_base("cn-northwest-1"), "https://signin.amazonaws.cn");
    EXPECT_EQ(*default_signin_base("us-gov-west-1"), "https://signin.amazonaws-us-gov.com");
    EXPECT_EQ(*default_signin_base("us-gov-east-1"), "https://signin.amazonaws-us-gov.com");
}

TEST(ConsoleSignin, ConsoleHomeFollowsPartitionAndRegion) {
    EXPECT_EQ(*default_console_destination(""), "https://console.aws.amazon.com/console/home");
    EXPECT_EQ(*default_console_destination("us-east-1"),
              "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1");
    EXPECT_EQ(*default_console_destination("eu-central-1"),
              "https://eu-central-1.console.aws.amazon.com/console/home?region=eu-central-1");
    EXPECT_EQ(*default_console_destination("cn-north-1"),
              "https://console.amazonaws.cn/console/home?region=cn-north-1");
    EXPECT_EQ(*default_console_destination("us-gov-west-1"),
              "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1");
}

TEST(ConsoleSignin, RefusesIsolatedPartitionsAndMalformedRegions) {
    for (const char* region : {"us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1"}) {
        auto base = default_signin_base(region);
        ASSERT_FALSE(base) << region;
        EXPECT_NE(base.error().message.find("AWS_ENDPOINT_URL_SIGNIN"), std::string::npos);
        EXPECT_FALSE(default_console_destination(region)) << region;
    }
    for (const char* region : {"EU-WEST-1", "eu west", "evil.com/x", "a?b"}) {
        EXPECT_FALSE(default_signin_base(region)) << region;
        EXPECT_FALSE(default_console_destination(region)) << region;
    }
}

RoleCredentials sample() {
    RoleCredentials c;
    c.access_key_id = "ASIAEXAMPLE";
    c.secret_access_key = Secret(std::string("se/cr+et=\"key\""));
    c.session_token = Secret(std::string("to&ken%"));
    return c;
}

TEST(ConsoleSignin, TokenRequestCarriesTheSessionAsEncodedJson) {
    const Secret target = signin_token_target(sample());
    const std::string prefix = "/federation?Action=getSigninToken&Session=";
    ASSERT_TRUE(target.reveal().starts_with(prefix));
    const std::string encoded = target.reveal().substr(prefix.size());
    // Only unreserved characters are left as they are: nothing breaks the query.
    EXPECT_EQ(encoded.find_first_of("&=+\"/ {}"), std::string::npos);
    const auto session = nlohmann::json::parse(percent_decode_lenient(encoded));
    EXPECT_EQ(session, (nlohmann::json{{"sessionId", "ASIAEXAMPLE"},
                                       {"sessionKey", "se/cr+et=\"key\""},
                                       {"sessionToken", "to&ken%"}}));
    EXPECT_EQ(target.reveal().find("SessionDuration"), std::string::npos);
}

TEST(ConsoleSignin, LoginUrlEncodesEveryParameter) {
    const Secret url =
        console_login_url("http://127.0.0.1:8080/prefix", "ssocred",
                          "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1",
                          Secret(std::string("tok+en/=")));
    EXPECT_EQ(url.reveal(),
              "http://127.0.0.1:8080/prefix/federation?Action=login&Issuer=ssocred&Destination="
              "https%3A%2F%2Feu-west-1.console.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Deu-"
              "west-1&SigninToken=tok%2Ben%2F%3D");
}

TEST(ConsoleSignin, ParsesTheSigninToken) {
    auto t = parse_signin_token(R"({"SigninToken":"abc"})");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->reveal(), "abc");
    for (const char* bad : {"", "{}", R"({"SigninToken":""})", R"({"SigninToken":3})", "<html>"})
        EXPECT_FALSE(parse_signin_token(bad)) << bad;
}

class SigninCanned final : public sso::HttpTransport {
  public:
    explicit SigninCanned(sso::HttpResponse r) : response(std::move(r)) {}
    Expected<sso::HttpResponse> send(sso::HttpRequest request) override {
        method = request.method;
        target_prefix = request.target.substr(0, request.target.find('&'));
        return response;
    }
    sso::HttpResponse response;
    std::string method;
    std::string target_prefix;
};

TEST(ConsoleSignin, GetSigninTokenAsksWithGetAndMapsRefusals) {
    sso::HttpResponse ok;
    ok.status = 200;
    ok.body = R"({"SigninToken":"T"})";
    SigninCanned good(ok);
    auto token = get_signin_token(good, "signin.example", sample());
    ASSERT_TRUE(token);
    EXPECT_EQ(token->reveal(), "T");
    EXPECT_EQ(good.method, "GET");
    EXPECT_EQ(good.target_prefix, "/federation?Action=getSigninToken");

    sso::HttpResponse refused;
    refused.status = 403;
    refused.body = "<html>secret-looking page</html>";
    SigninCanned bad(refused);
    auto denied = get_signin_token(bad, "signin.example", sample());
    ASSERT_FALSE(denied);
    EXPECT_EQ(denied.error().code, ErrorCode::AccessDenied);
    EXPECT_EQ(denied.error().http_status, 403);
    EXPECT_EQ(denied.error().message.find("secret-looking"), std::string::npos);
    EXPECT_EQ(denied.error().message.find("se/cr"), std::string::npos);

    sso::HttpResponse down;
    down.status = 503;
    SigninCanned broken(down);
    auto fault = get_signin_token(broken, "signin.example", sample());
    ASSERT_FALSE(fault);
    EXPECT_EQ(fault.error().code, ErrorCode::UpstreamFault);
}

}  // namespace
}  // namespace ssocred::sts
