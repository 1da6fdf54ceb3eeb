#include "sts/assume_role.hpp"

#include <deque>

#include <gtest/gtest.h>

#include "sso/url.hpp"

namespace ssocred::sts {
namespace {

constexpr const char* kOk =
    R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:s3-access-example</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/Chained/ssocred-1</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAJEXAMPLEXEG2JICEA</AccessKeyId>
      <SecretAccessKey>9drTJvcXLB89EXAMPLELB8923FB892xMFI</SecretAccessKey>
      <SessionToken>AQoXdzELDDY//////////wEaoAK1wvxJY12r2IrDFT2IvAzTCn3zHoZ7YNtpiQLF0MqZye/qwjzP2iEXAMPLE&amp;</SessionToken>
      <Expiration>2026-12-05T17:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>)";

constexpr const char* kDenied = R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code>
  <Message>User: arn:aws:sts::123456789012:assumed-role/Dev/x is not authorized to perform: sts:AssumeRole</Message></Error>
  <RequestId>1</RequestId></ErrorResponse>)";

class Canned final : public sso::HttpTransport {
  public:
    Expected<sso::HttpResponse> send(sso::HttpRequest request) override {
        requests.push_back(request);
        if (responses.empty()) return Error::make(ErrorCode::Network, "no canned response");
        auto r = std::move(responses.front());
        responses.pop_front();
        return r;
    }
    void add(int status, std::string body) {
        sso::HttpResponse r;
        r.status = status;
        r.body = std::move(body);
        responses.push_back(std::move(r));
    }
    std::deque<Expected<sso::HttpResponse>> responses;
    std::vector<sso::HttpRequest> requests;
};

RoleCredentials source() {
    RoleCredentials c;
    c.access_key_id = "ASIASOURCE";
    c.secret_access_key = Secret(std::string("source-secret"));
    c.session_token = Secret(std::string("source-token"));
    return c;
}

StsEndpoint endpoint(const char* url = "https://sts.eu-west-1.amazonaws.com") {
    return StsEndpoint{*sso::parse_base_url(url), "eu-west-1"};
}

std::string header(const sso::HttpRequest& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
        if (k == name) return v;
    return {};
}

TEST(AssumeRole, ParsesTheAnswer) {
    auto c = parse_assume_role_response(kOk);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "ASIAJEXAMPLEXEG2JICEA");
    EXPECT_EQ(c->secret_access_key.reveal(), "9drTJvcXLB89EXAMPLELB8923FB892xMFI");
    EXPECT_TRUE(c->session_token.reveal().ends_with("EXAMPLE&"));
    EXPECT_EQ(format_utc(c->expiration), "2026-12-05T17:00:00Z");
}

TEST(AssumeRole, ParsesFractionalExpiration) {
    std::string body = kOk;
    body.replace(body.find("17:00:00Z"), 9, "17:00:00.123Z");
    auto c = parse_assume_role_response(body);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(format_utc(c->expiration), "2026-12-05T17:00:00Z");
}

TEST(AssumeRole, RejectsIncompleteOrMalformedAnswers) {
    const std::string good = kOk;
    auto without = [&](const std::string& tag) {
        std::string b = good;
        const auto start = b.find("<" + tag + ">");
        const auto end = b.find("</" + tag + ">") + tag.size() + 3;
        return b.erase(start, end - start);
    };
    for (const char* tag : {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration",
                            "Credentials", "AssumeRoleResult"}) {
        auto c = parse_assume_role_response(without(tag));
        ASSERT_FALSE(c) << tag;
        EXPECT_EQ(c.error().code, ErrorCode::BadResponse);
    }
    std::string bad_time = good;
    bad_time.replace(bad_time.find("2026-12-05T17:00:00Z"), 20, "tomorrow");
    EXPECT_FALSE(parse_assume_role_response(bad_time));
    EXPECT_FALSE(parse_assume_role_response(kDenied));
    EXPECT_FALSE(parse_assume_role_response("<html>502 Bad Gateway</html>"));
    EXPECT_FALSE(parse_assume_role_response(good.substr(0, good.size() / 2)));
    auto c = parse_assume_role_response(good.substr(0, good.find("</SecretAccessKey>")));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().message.find("9drTJ"), std::string::npos);
}

TEST(AssumeRole, ParsesErrors) {
    auto e = parse_sts_error(kDenied);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "AccessDenied");
    EXPECT_NE(e->message.find("not authorized"), std::string::npos);
    auto wrapped = parse_sts_error(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ErrorResponse><Errors><Error>"
        "<Code>AccessDenied</Code><Message>m</Message><Type>Sender</Type></Error></Errors>"
        "</ErrorResponse>");
    ASSERT_TRUE(wrapped);
    EXPECT_EQ(wrapped->code, "AccessDenied");
    EXPECT_EQ(wrapped->message, "m");
    EXPECT_FALSE(parse_sts_error("garbage"));
    EXPECT_FALSE(parse_sts_error(kOk));
    EXPECT_FALSE(parse_sts_error("<ErrorResponse><Error><Code></Code></Error></ErrorResponse>"));
}

TEST(AssumeRole, MapsErrorCodes) {
    const std::string arn = "arn:aws:iam::123456789012:role/R";
    EXPECT_EQ(sts_error(403, StsErrorInfo{"AccessDenied", "no"}, arn).code,
              ErrorCode::AccessDenied);
    EXPECT_EQ(sts_error(400, StsErrorInfo{"Throttling", "slow"}, arn).code, ErrorCode::Throttled);
    EXPECT_EQ(sts_error(429, std::nullopt, arn).code, ErrorCode::Throttled);
    EXPECT_EQ(sts_error(503, std::nullopt, arn).code, ErrorCode::UpstreamFault);
    EXPECT_EQ(sts_error(500, StsErrorInfo{"InternalFailure", ""}, arn).code,
              ErrorCode::UpstreamFault);
    EXPECT_EQ(sts_error(403, StsErrorInfo{"ExpiredToken", ""}, arn).code, ErrorCode::Unauthorized);
    EXPECT_EQ(sts_error(400, StsErrorInfo{"ValidationError", "bad"}, arn).code, ErrorCode::Invalid);
    EXPECT_EQ(sts_error(302, std::nullopt, arn).code, ErrorCode::BadResponse);
    const Error denied =
        sts_error(403, StsErrorInfo{"AccessDenied", "User x is not authorized"}, arn);
    EXPECT_NE(denied.message.find(arn), std::string::npos);
    EXPECT_NE(denied.message.find("User x is not authorized"), std::string::npos);
    EXPECT_NE(denied.message.find("trust policy"), std::string::npos);
}

TEST(AssumeRole, SendsASignedForm) {
    Canned t;
    t.add(200, kOk);
    AssumeRoleParams p{"arn:aws:iam::123456789012:role/Chained", "ssocred-1", "ext id&1", 900};
    auto c = assume_role(t, endpoint(), source(), p, from_epoch_seconds(1764950400));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->issued_at, from_epoch_seconds(1764950400));
    ASSERT_EQ(t.requests.size(), 1u);
    const auto& r = t.requests[0];
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/");
    EXPECT_EQ(r.body,
              "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3A"
              "role%2FChained&RoleSessionName=ssocred-1&ExternalId=ext%20id%261"
              "&DurationSeconds=900");
    EXPECT_EQ(header(r, "Host"), "sts.eu-west-1.amazonaws.com");
    EXPECT_EQ(header(r, "X-Amz-Security-Token"), "source-token");
    const std::string auth = header(r, "Authorization");
    EXPECT_TRUE(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=ASIASOURCE/20251205/eu-west-1/sts/"
                         "aws4_request, SignedHeaders=content-type;host;x-amz-date;"
                         "x-amz-security-token, Signature="))
        << auth;
    EXPECT_EQ(auth.find("source-secret"), std::string::npos);
}

TEST(AssumeRole, OptionalParametersAreLeftOut) {
    Canned t;
    t.add(200, kOk);
    AssumeRoleParams p{"arn:aws:iam::123456789012:role/Chained", "s1", "", std::nullopt};
    ASSERT_TRUE(assume_role(t, endpoint("http://127.0.0.1:5000/prefix"), source(), p,
                            from_epoch_seconds(1764950400)));
    EXPECT_EQ(t.requests[0].body.find("ExternalId"), std::string::npos);
    EXPECT_EQ(t.requests[0].body.find("DurationSeconds"), std::string::npos);
    EXPECT_EQ(header(t.requests[0], "Host"), "127.0.0.1:5000");
}

TEST(AssumeRole, ReportsUpstreamErrors) {
    Canned t;
    t.add(403, kDenied);
    t.add(502, "<html>bad gateway</html>");
    AssumeRoleParams p{"arn:aws:iam::123456789012:role/Chained", "s1", "", std::nullopt};
    auto denied = assume_role(t, endpoint(), source(), p, from_epoch_seconds(1764950400));
    ASSERT_FALSE(denied);
    EXPECT_EQ(denied.error().code, ErrorCode::AccessDenied);
    auto fault = assume_role(t, endpoint(), source(), p, from_epoch_seconds(1764950400));
    ASSERT_FALSE(fault);
    EXPECT_EQ(fault.error().code, ErrorCode::UpstreamFault);
    auto network = assume_role(t, endpoint(), source(), p, from_epoch_seconds(1764950400));
    ASSERT_FALSE(network);
    EXPECT_EQ(network.error().code, ErrorCode::Network);
}

}  // namespace
}  // namespace ssocred::sts
