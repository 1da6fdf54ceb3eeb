#include "sso/pkce.hpp"

#include <set>

#include <gtest/gtest.h>

namespace ssocred::sso {
namespace {

TEST(Pkce, VerifierIs64CharsFromTheUnreservedSet) {
    const std::string allowed =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    std::set<std::string> seen;
    for (int i = 0; i < 50; ++i) {
        Secret v = make_code_verifier();
        ASSERT_EQ(v.size(), 64u);
        EXPECT_EQ(v.reveal().find_first_not_of(allowed), std::string::npos);
        seen.insert(v.reveal());
    }
    EXPECT_EQ(seen.size(), 50u);
}

TEST(Pkce, ChallengeAndAuthorizeUrlMatchProtocolsExample) {
    const Secret verifier(std::string(64, 'A'));
    const std::string challenge = code_challenge_s256(verifier);
    EXPECT_EQ(challenge, "1T7aemN8mcx_tWbZbp-hCb8VxHhBCj9etNTE4mzQgfY");
    EXPECT_EQ(build_authorize_url("https://oidc.us-east-1.amazonaws.com", "CLIENTID",
                                  "http://127.0.0.1:54321/oauth/callback",
                                  "7f1c1d2e-0000-4000-8000-000000000000", {"sso:account:access"},
                                  challenge),
              "https://oidc.us-east-1.amazonaws.com/authorize?response_type=code&client_id=CLIENTID"
              "&redirect_uri=http%3A%2F%2F127.0.0.1%3A54321%2Foauth%2Fcallback"
              "&state=7f1c1d2e-0000-4000-8000-000000000000&code_challenge_method=S256"
              "&scopes=sso%3Aaccount%3Aaccess&code_challenge=1T7aemN8mcx_tWbZbp-"
              "hCb8VxHhBCj9etNTE4mzQgfY");
}

TEST(Pkce, ScopesAreJoinedWithASpace) {
    const std::string url = build_authorize_url("http://h:1", "c", "r", "s", {"a:b", "c"}, "x");
    EXPECT_NE(url.find("&scopes=a%3Ab%20c&"), std::string::npos) << url;
}

}  // namespace
}  // namespace ssocred::sso
