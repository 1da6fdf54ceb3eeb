// Chained profiles' roles (RoleRef::session "profile:NAME") in the engine: cached and renewed
// like SSO roles, and tied to their root SSO session for logout and login.
#include "creds_test_support.hpp"

namespace ssocred::creds_test {
namespace {

RoleRef chained(std::string profile = "deploy") {
    return role("222222222222", "Deploy", "profile:" + profile);
}

TEST_F(EngineTest, LogoutOfTheRootSessionWipesItsChainedRoles) {
    resolver.roots["profile:deploy"] = "corp";
    resolver.roots["profile:elsewhere"] = "other";
    make();
    ASSERT_TRUE(get(role()));
    ASSERT_TRUE(get(chained()));
    ASSERT_TRUE(get(chained("elsewhere")));
    EXPECT_EQ(fetcher.calls(), 3);
    EXPECT_EQ(engine->snapshot().roles.size(), 3u);

    engine->invalidate("corp");
    drain();
    const auto left = engine->snapshot().roles;
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].role, chained("elsewhere"));
    ASSERT_TRUE(get(chained()));
    EXPECT_EQ(fetcher.calls(), 4);  // fetched again, not served from a wiped cache
}

TEST_F(EngineTest, ALoginOfTheRootSessionEndsTheChainedRolesBackoff) {
    resolver.roots["profile:deploy"] = "corp";
    make();
    fetcher.fail_with(Error::make(ErrorCode::LoginRequired, "SSO session 'corp' is not logged in"));
    auto first = get(chained());
    ASSERT_FALSE(first);
    EXPECT_EQ(first.error().code, ErrorCode::LoginRequired);
    fetcher.fail_with(std::nullopt);
    ASSERT_FALSE(get(chained()));  // backing off: no upstream call
    EXPECT_EQ(fetcher.calls(), 1);
    engine->session_changed("corp");
    drain();
    ASSERT_TRUE(get(chained()));
    EXPECT_EQ(fetcher.calls(), 2);
}

TEST_F(EngineTest, ChainedOneHourSessionsRenewProportionally) {
    resolver.roots["profile:deploy"] = "corp";
    make();
    fetcher.set_lifetime(std::chrono::hours(1));  // AWS's cap for role chaining
    ASSERT_TRUE(get(chained()));
    advance(std::chrono::minutes(19), std::chrono::seconds(10));
    EXPECT_EQ(fetcher.calls(), 1);  // renewal starts 35-40 min before expiry
    advance(std::chrono::minutes(7), std::chrono::seconds(10));
    EXPECT_EQ(fetcher.calls(), 2);
    auto c = get(chained());
    ASSERT_TRUE(c);
    EXPECT_EQ((*c)->credentials.access_key_id, "ASIA2");
}

TEST_F(EngineTest, TransientChainedFailuresSayAwsNotIdentityCenter) {
    resolver.roots["profile:deploy"] = "corp";
    make();
    fetcher.fail_with(Error::make(ErrorCode::UpstreamFault, "STS answered HTTP 503"));
    auto r = get(chained());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message.find("Identity Center"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("STS answered HTTP 503"), std::string::npos);
}

}  // namespace
}  // namespace ssocred::creds_test
