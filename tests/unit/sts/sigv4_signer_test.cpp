// SigV4 against AWS's published signature test suite (get-vanilla,
// get-vanilla-query-order-key-case, post-x-www-form-urlencoded: access key AKIDEXAMPLE,
// 2015-08-30T12:36:00Z, us-east-1, service "service").
#include "sts/sigv4_signer.hpp"

#include <gtest/gtest.h>

namespace ssocred::sts {
namespace {

const SystemTime kWhen = from_epoch_seconds(1440938160);  // 2015-08-30T12:36:00Z

SigningCredentials suite_key() {
    SigningCredentials k;
    k.access_key_id = "AKIDEXAMPLE";
    k.secret_access_key = Secret(std::string("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
    return k;
}

std::string header(const HeaderList& headers, const std::string& name) {
    for (const auto& [k, v] : headers)
        if (k == name) return v;
    return {};
}

SigningRequest vanilla(std::string method) {
    SigningRequest r;
    r.method = std::move(method);
    r.host = "example.amazonaws.com";
    r.path = "/";
    return r;
}

const std::string kScope =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
    "aws4_request, ";

TEST(SigV4, AmzDate) {
    EXPECT_EQ(amz_date(kWhen), "20150830T123600Z");
}

TEST(SigV4, GetVanilla) {
    const auto h = sign_v4(vanilla("GET"), suite_key(), {"us-east-1", "service", kWhen});
    EXPECT_EQ(header(h, "X-Amz-Date"), "20150830T123600Z");
    EXPECT_EQ(header(h, "Authorization"),
              kScope +
                  "SignedHeaders=host;x-amz-date, "
                  "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    EXPECT_EQ(header(h, "X-Amz-Security-Token"), "");
}

TEST(SigV4, GetVanillaQueryOrderKeyCase) {
    auto r = vanilla("GET");
    r.query = {{"Param2", "value2"}, {"Param1", "value1"}};
    EXPECT_EQ(canonical_request(r, "20150830T123600Z", Secret{}),
              "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\n"
              "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const auto h = sign_v4(r, suite_key(), {"us-east-1", "service", kWhen});
    EXPECT_EQ(header(h, "Authorization"),
              kScope +
                  "SignedHeaders=host;x-amz-date, "
                  "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4, PostFormUrlencoded) {
    auto r = vanilla("POST");
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    r.body = "Param1=value1";
    EXPECT_EQ(canonical_request(r, "20150830T123600Z", Secret{}),
              "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\n"
              "host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
              "content-type;host;x-amz-date\n"
              "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
    const auto h = sign_v4(r, suite_key(), {"us-east-1", "service", kWhen});
    EXPECT_EQ(header(h, "Authorization"),
              kScope +
                  "SignedHeaders=content-type;host;x-amz-date, "
                  "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

TEST(SigV4, SessionTokenIsSentAndSigned) {
    auto key = suite_key();
    key.session_token = Secret(std::string("token/with+chars="));
    const auto h = sign_v4(vanilla("GET"), key, {"us-east-1", "service", kWhen});
    EXPECT_EQ(header(h, "X-Amz-Security-Token"), "token/with+chars=");
    EXPECT_NE(header(h, "Authorization").find("SignedHeaders=host;x-amz-date;x-amz-security-token"),
              std::string::npos);
    // The signature differs from the unsigned-token one, and the secret is nowhere.
    const auto plain = sign_v4(vanilla("GET"), suite_key(), {"us-east-1", "service", kWhen});
    EXPECT_NE(header(h, "Authorization"), header(plain, "Authorization"));
    for (const auto& [k, v] : h) EXPECT_EQ(v.find("EXAMPLEKEY"), std::string::npos) << k;
}

TEST(SigV4, HeaderValuesAreTrimmedAndNamesLowered) {
    auto r = vanilla("GET");
    r.headers = {{"My-Header1", "  a   b  c "}};
    const auto c = canonical_request(r, "20150830T123600Z", Secret{});
    EXPECT_NE(c.find("my-header1:a b c\n"), std::string::npos) << c;
}

}  // namespace
}  // namespace ssocred::sts
