#include <sys/stat.h>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/thread_pool.hpp>

#include "creds_test_support.hpp"
#include "store/atomic_file.hpp"

namespace ssocred::creds_test {
namespace {

using namespace std::chrono_literals;

TEST_F(EngineTest, CacheHitAfterFirstFetch) {
    make();
    auto first = get(role());
    ASSERT_TRUE(first) << first.error().message;
    auto second = get(role());
    ASSERT_TRUE(second);
    EXPECT_EQ(fetcher.calls(), 1);
    EXPECT_EQ(first->get(), second->get());
    EXPECT_EQ(engine->snapshot().counters.served_cached, 1u);
}

TEST_F(EngineTest, TheDefaultSessionAndItsNameAreOneCacheEntry) {
    // /v1/accounts/A/roles/R names no session, /v1/profiles/P names it: one role, one call.
    make();
    auto by_path = get(role("111122223333", "Dev", ""));
    ASSERT_TRUE(by_path) << by_path.error().message;
    auto by_profile = get(role("111122223333", "Dev", "corp"));
    ASSERT_TRUE(by_profile);
    EXPECT_EQ(fetcher.calls(), 1);
    EXPECT_EQ(by_path->get(), by_profile->get());
    const auto snap = engine->snapshot();
    ASSERT_EQ(snap.roles.size(), 1u);
    EXPECT_EQ(snap.roles[0].role.session, "corp");
    // Another session's role of the same name stays apart.
    ASSERT_TRUE(get(role("111122223333", "Dev", "other")));
    EXPECT_EQ(fetcher.calls(), 2);
}

TEST_F(EngineTest, ConcurrentGetsForAStaleRoleMakeOneUpstreamCall) {
    boost::asio::thread_pool pool(2);
    auto s = std::make_unique<ManualScheduler>(clock);
    EngineOptions options;
    options.seed = 1;
    engine = std::make_unique<CredentialEngine>(io.get_executor(), pool.get_executor(), fetcher,
                                                clock, options, resolver, dir.path(), std::move(s));
    auto guard = boost::asio::make_work_guard(io);
    fetcher.set_blocking(true);
    std::vector<Expected<CredentialsPtr>> results;
    for (int i = 0; i < 200; ++i)
        engine->get(role(), [&](Expected<CredentialsPtr> r) { results.push_back(std::move(r)); });
    ASSERT_TRUE(fetcher.wait_entered(1));
    EXPECT_TRUE(results.empty());
    fetcher.set_blocking(false);
    for (int i = 0; i < 500 && results.size() < 200; ++i) {
        io.restart();
        io.run_for(10ms);
    }
    ASSERT_EQ(results.size(), 200u);
    EXPECT_EQ(fetcher.calls(), 1);
    for (const auto& r : results) {
        ASSERT_TRUE(r);
        EXPECT_EQ(r->get(), results.front()->get());
    }
    engine.reset();
    pool.join();
}

TEST_F(EngineTest, RenewsBeforeTheFloorWithJitter) {
    make();
    ASSERT_TRUE(get(role()));
    const auto first_exp = engine->snapshot().roles.at(0).expiration.value();
    const auto renew = engine->snapshot().roles.at(0).next_renewal_at.value();
    EXPECT_LE(renew, first_exp - 35min);
    EXPECT_GE(renew, first_exp - 40min);
    // Every answer while time passes keeps ≥ 25 min, and renewals happen in the background.
    for (int minute = 0; minute < 180; ++minute) {
        advance(1min, 1min);
        auto c = get(role());
        ASSERT_TRUE(c);
        EXPECT_GE((*c)->credentials.expiration - clock.now(), 25min);
    }
    EXPECT_GE(fetcher.calls(), 1 + 180 / 25);  // renewed every 20–25 min
    EXPECT_LE(fetcher.calls(), 1 + 180 / 20 + 1);
    EXPECT_EQ(engine->snapshot().counters.served_last_good, 0u);
}

TEST_F(EngineTest, ShortLifetimesUseAProportionalFloor) {
    fetcher.set_lifetime(60s);
    make();
    ASSERT_TRUE(get(role()));
    for (int s = 0; s < 300; ++s) {
        advance(1s);
        auto c = get(role());
        ASSERT_TRUE(c);
        EXPECT_GE((*c)->credentials.expiration - clock.now(), 25s);  // 60 s × 5/12
    }
    EXPECT_GE(fetcher.calls(), 300 / 25);
    EXPECT_LE(fetcher.calls(), 300 / 20 + 2);
}

TEST_F(EngineTest, LastGoodWhileValidThenErrorNeverExpired) {
    make();
    ASSERT_TRUE(get(role()));
    fetcher.fail_with(Error::make(ErrorCode::Network, "connection refused"));
    advance(55min, 1min);  // renewals fail from ~20 min on
    auto c = get(role());
    ASSERT_TRUE(c) << "last-good credentials are served while valid";
    EXPECT_LT((*c)->credentials.expiration - clock.now(), 25min);
    EXPECT_GT((*c)->credentials.expiration, clock.now());
    EXPECT_GT(engine->snapshot().counters.renewals_failed, 0u);
    EXPECT_TRUE(engine->snapshot().roles.at(0).last_error.has_value());

    advance(6min, 1s);  // past expiration
    auto e = get(role());
    ASSERT_FALSE(e) << "expired credentials must never be served";
    EXPECT_EQ(e.error().code, ErrorCode::Network);
    EXPECT_NE(e.error().message.find("could not be reached"), std::string::npos);
    EXPECT_NE(e.error().message.find("AWS_ENDPOINT_URL_SSO"), std::string::npos);
    EXPECT_NE(e.error().message.find("keeps retrying"), std::string::npos);
    EXPECT_FALSE(engine->snapshot().roles.at(0).expiration.has_value());

    fetcher.fail_with(std::nullopt);  // upstream back: the background retry recovers
    advance(6min, 1s);
    auto back = get(role());
    ASSERT_TRUE(back);
    EXPECT_GE((*back)->credentials.expiration - clock.now(), 25min);
    EXPECT_FALSE(engine->snapshot().roles.at(0).last_error.has_value()) << "recovered";
}

TEST_F(EngineTest, BackoffBoundsUpstreamCallsUnderSustainedFailure) {
    make();
    fetcher.fail_with(Error::make(ErrorCode::UpstreamFault, "HTTP 500"));
    ASSERT_FALSE(get(role()));
    for (int i = 0; i < 6000; ++i) {  // 10 minutes, 10 requests every 100 ms
        clock.advance(100ms);
        for (int k = 0; k < 10; ++k) ASSERT_FALSE(get(role()));
    }
    // Delays 1, 2, 4 … 256, 300 s with jitter in [d/2, d]: at most ~13 calls in 600 s.
    EXPECT_LE(fetcher.calls(), 14);
    EXPECT_GE(fetcher.calls(), 6);
    EXPECT_EQ(engine->snapshot().counters.upstream_calls,
              static_cast<std::uint64_t>(fetcher.calls()));
}

TEST_F(EngineTest, LoginRequiredPassesThroughWithoutBackgroundRetries) {
    make();
    fetcher.fail_with(Error::make(ErrorCode::LoginRequired, "no session 'corp'"));
    auto e = get(role());
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, ErrorCode::LoginRequired);
    EXPECT_NE(e.error().message.find("ssocred login"), std::string::npos);
    advance(30min, 10s);
    EXPECT_EQ(fetcher.calls(), 1);

    fetcher.fail_with(std::nullopt);
    engine->session_changed("corp");  // after a login, no backoff left
    EXPECT_TRUE(get(role()));
    EXPECT_EQ(fetcher.calls(), 2);
}

TEST_F(EngineTest, IdleRolesAreDroppedAfterTheIdleWindow) {
    make();
    ASSERT_TRUE(get(role()));
    advance(3h + 50min, 1min);
    const int while_wanted = fetcher.calls();
    EXPECT_GE(while_wanted, 1 + 230 / 25);  // kept renewed while recently requested
    advance(90min, 1min);
    EXPECT_TRUE(engine->snapshot().roles.empty());
    EXPECT_LE(fetcher.calls(), while_wanted + 1);
    // A new request starts over.
    ASSERT_TRUE(get(role()));
    EXPECT_EQ(engine->snapshot().roles.size(), 1u);
}

TEST_F(EngineTest, ActiveRoleIsPersistedReloadedAndRenewed) {
    resolver.regions["dev"] = "eu-central-1";
    resolver.sso_regions["corp"] = "eu-west-1";
    make();
    EXPECT_FALSE(engine->active_role());
    EXPECT_EQ(engine->region(), "us-east-1");
    ASSERT_TRUE(engine->set_active_role(role(), "dev"));
    drain();
    EXPECT_EQ(fetcher.calls(), 1);  // warmed
    const auto file = dir.path() / "active.json";
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto text = read_file(file);
    ASSERT_TRUE(text);
    EXPECT_EQ(text->find("Secret"), std::string::npos);

    make();  // a restart: reloads, renews the active role without any request
    ASSERT_TRUE(engine->active_role());
    EXPECT_EQ(*engine->active_role(), role());
    EXPECT_EQ(engine->active_profile(), std::optional<std::string>("dev"));
    EXPECT_EQ(engine->region(), "eu-central-1");
    drain();
    EXPECT_EQ(fetcher.calls(), 2);
    advance(10h, 1min);  // the active role stays renewed although nobody asks
    ASSERT_EQ(engine->snapshot().roles.size(), 1u);
    EXPECT_TRUE(engine->snapshot().roles.at(0).active);
    EXPECT_GE(engine->snapshot().roles.at(0).expiration.value() - clock.now(), 25min);

    ASSERT_TRUE(engine->set_active_role(role("444455556666", "Ops"), std::nullopt));
    EXPECT_EQ(engine->region(), "eu-west-1");
    make();
    EXPECT_EQ(engine->active_role()->account_id, "444455556666");
    EXPECT_FALSE(engine->active_profile());
}

TEST_F(EngineTest, ResolveProfileUsesTheResolver) {
    resolver.profiles["dev"] = role();
    make();
    auto r = engine->resolve_profile("dev");
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, role());
    auto missing = engine->resolve_profile("nope");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
}

TEST_F(EngineTest, ClockJumpRenewsStaleEntriesAtOnce) {
    make();
    ASSERT_TRUE(get(role()));
    clock.advance(50min);  // e.g. a laptop waking up; no timer has fired
    engine->on_clock_jump();
    drain();
    EXPECT_EQ(fetcher.calls(), 2);
    auto c = get(role());
    ASSERT_TRUE(c);
    EXPECT_GE((*c)->credentials.expiration - clock.now(), 25min);

    clock.advance(3h);  // far past expiration, still within the idle window
    engine->on_clock_jump();
    drain();
    EXPECT_EQ(fetcher.calls(), 3);
    auto after = get(role());
    ASSERT_TRUE(after);
    EXPECT_GT((*after)->credentials.expiration, clock.now());
}

TEST_F(EngineTest, InvalidateWipesASessionAndAnswersWaiters) {
    boost::asio::thread_pool pool(1);
    EngineOptions options;
    options.seed = 3;
    auto s = std::make_unique<ManualScheduler>(clock);
    scheduler = s.get();
    engine = std::make_unique<CredentialEngine>(io.get_executor(), pool.get_executor(), fetcher,
                                                clock, options, resolver, dir.path(), std::move(s));
    auto guard = boost::asio::make_work_guard(io);
    std::optional<Expected<CredentialsPtr>> got;
    fetcher.set_blocking(true);
    engine->get(role(), [&](Expected<CredentialsPtr> r) { got.emplace(std::move(r)); });
    engine->get(role("999988887777", "Other", "other"), [](Expected<CredentialsPtr>) {});
    ASSERT_TRUE(fetcher.wait_entered(1));
    engine->invalidate("corp");
    ASSERT_TRUE(got.has_value());
    ASSERT_FALSE(*got);
    EXPECT_EQ(got->error().code, ErrorCode::LoginRequired);
    fetcher.set_blocking(false);
    for (int i = 0; i < 100 && fetcher.calls() < 2; ++i) {
        io.restart();
        io.run_for(10ms);
    }
    pool.join();
    guard.reset();
    io.restart();
    io.poll();  // the late result for "corp" is discarded
    auto snap = engine->snapshot();
    ASSERT_EQ(snap.roles.size(), 1u);
    EXPECT_EQ(snap.roles.at(0).role.session, "other");
    engine->clear();
    EXPECT_TRUE(engine->snapshot().roles.empty());
}

TEST_F(EngineTest, AlreadyExpiredUpstreamCredentialsAreAnError) {
    fetcher.set_lifetime(-1s);
    make();
    auto e = get(role());
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, ErrorCode::BadResponse);
}

TEST_F(EngineTest, PrefetchWarmsTheCache) {
    make();
    engine->prefetch(role());
    drain();
    EXPECT_EQ(fetcher.calls(), 1);
    ASSERT_TRUE(get(role()));
    EXPECT_EQ(fetcher.calls(), 1);
    engine->prefetch(role());
    drain();
    EXPECT_EQ(fetcher.calls(), 1);
}

TEST_F(EngineTest, NoBusyTimerWhileAnIdleRoleIsFetching) {
    boost::asio::thread_pool pool(1);
    EngineOptions options;
    options.seed = 5;
    auto s = std::make_unique<ManualScheduler>(clock);
    scheduler = s.get();
    engine = std::make_unique<CredentialEngine>(io.get_executor(), pool.get_executor(), fetcher,
                                                clock, options, resolver, dir.path(), std::move(s));
    fetcher.set_blocking(true);
    engine->get(role(), [](Expected<CredentialsPtr>) {});
    ASSERT_TRUE(fetcher.wait_entered(1));
    clock.advance(5h);  // idle while the fetch hangs
    scheduler->run_due();
    EXPECT_FALSE(scheduler->deadline() && *scheduler->deadline() <= clock.now());
    fetcher.set_blocking(false);
    pool.join();
    io.restart();
    io.poll();
}

}  // namespace
}  // namespace ssocred::creds_test
