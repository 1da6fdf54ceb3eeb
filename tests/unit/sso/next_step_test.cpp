// Every upstream failure that reaches a person ends with what to do next, once.
#include "sso/next_step.hpp"

#include <gtest/gtest.h>

namespace ssocred::sso {
namespace {

std::string advised(ErrorCode code, std::string message) {
    return with_next_step(Error::make(code, std::move(message))).message;
}

TEST(NextStep, ByCode) {
    EXPECT_EQ(advised(ErrorCode::Network, "could not reach portal.example:443 (Connection)"),
              "could not reach portal.example:443 (Connection): check the network (and "
              "HTTPS_PROXY) or AWS_ENDPOINT_URL_SSO, then try again");
    EXPECT_NE(advised(ErrorCode::Timeout, "x").find("AWS_ENDPOINT_URL_SSO"), std::string::npos);
    EXPECT_NE(advised(ErrorCode::Throttled, "x").find("try again in a minute"), std::string::npos);
    EXPECT_NE(advised(ErrorCode::UpstreamFault, "x").find("try again"), std::string::npos);
    EXPECT_NE(advised(ErrorCode::AccessDenied, "x").find("administrator"), std::string::npos);
    EXPECT_NE(advised(ErrorCode::InvalidGrant, "x").find("run `ssocred login`"), std::string::npos);
    // Errors that are the person's own input carry no upstream advice.
    EXPECT_EQ(advised(ErrorCode::NotFound, "no profile named x"), "no profile named x");
    EXPECT_EQ(advised(ErrorCode::Invalid, "bad"), "bad");
}

TEST(NextStep, NotTwice) {
    const std::string told = "SSO session 'a' expired: run `ssocred login --sso-session a`";
    EXPECT_EQ(advised(ErrorCode::LoginRequired, told), told);
    const std::string retrying =
        "Identity Center could not be reached (x): ssocredd keeps retrying";
    EXPECT_EQ(advised(ErrorCode::Network, retrying), retrying);
    const Error e = with_next_step(Error::make(ErrorCode::Network, "x"));
    EXPECT_EQ(with_next_step(e).message, e.message);
}

}  // namespace
}  // namespace ssocred::sso
