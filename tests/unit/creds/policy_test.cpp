#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "ssocred/backoff.hpp"

#include "creds/clock_jump_detector.hpp"
#include "creds/renewal_policy.hpp"
#include "creds/scheduler.hpp"

namespace ssocred {
namespace {

using namespace std::chrono_literals;

TEST(RenewalPolicy, FloorIs25MinutesOrFiveTwelfthsOfTheLifetime) {
    RenewalPolicy p;
    EXPECT_EQ(p.floor_for(12h), 25min);
    EXPECT_EQ(p.floor_for(1h), 25min);
    EXPECT_EQ(p.floor_for(15min), 375s);
    EXPECT_EQ(p.floor_for(60s), 25s);
    EXPECT_EQ(p.lead_for(1h), 35min);
    EXPECT_EQ(p.lead_for(60s), 35s);
    EXPECT_EQ(p.max_jitter_for(1h), 5min);
    EXPECT_EQ(p.max_jitter_for(60s), 5s);
}

TEST(RenewalPolicy, ServableNeverWhenExpired) {
    RenewalPolicy p;
    const auto t = from_epoch_seconds(1'000'000);
    EXPECT_TRUE(p.servable(t, t + 1h, t + 35min));
    EXPECT_FALSE(p.servable(t, t + 1h, t + 36min));
    EXPECT_FALSE(p.servable(t, t + 1h, t + 1h));
    EXPECT_FALSE(p.servable(t, t - 1s, t));  // already expired at issue
}

TEST(RenewalPolicy, RenewalComesBeforeTheFloor) {
    RenewalPolicy p;
    const auto t = from_epoch_seconds(1'000'000);
    for (auto life : {60s, 900s, 3600s, 43200s}) {
        for (double u : {0.0, 0.5, 0.999}) {
            const auto at = p.renew_at(t, t + life, u);
            EXPECT_GT(at, t);
            EXPECT_GT(t + life - at, p.floor_for(life));
        }
    }
}

TEST(Backoff, DoublesWithJitterUpToTheCap) {
    std::mt19937_64 rng(7);
    Backoff b(1s, 5min);
    Backoff::Duration expected = 1s;
    for (int i = 0; i < 15; ++i) {
        const auto d = b.next(rng);
        EXPECT_GE(d, expected / 2) << i;
        EXPECT_LE(d, expected) << i;
        expected = std::min<Backoff::Duration>(expected * 2, 5min);
    }
    b.reset();
    EXPECT_LE(b.next(rng), 1s);
}

TEST(Backoff, StaysWithinTheCapHoweverLongTheFailuresLast) {
    // The SSO session's parameters (sso_session.hpp): 10 s doubling up to 10 min.
    std::mt19937_64 rng(11);
    Backoff b(10s, 10min);
    for (int i = 0; i < 200; ++i) {
        const auto d = b.next(rng);
        EXPECT_GE(d, Backoff::Duration(5s)) << i;
        EXPECT_LE(d, Backoff::Duration(10min)) << i;
        if (i >= 10) {
            EXPECT_GE(d, Backoff::Duration(5min)) << i;  // at the cap: [cap/2, cap]
        }
    }
    EXPECT_EQ(b.attempts(), 64u);  // the exponent stops counting, it never overflows
}

TEST(ClockJump, SleepIsBoottimeOutrunningMonotonic) {
    ClockSample a{100s, 50s};
    EXPECT_FALSE(slept_between(a, ClockSample{105s, 55s}));
    EXPECT_FALSE(slept_between(a, ClockSample{106s, 55s}));
    EXPECT_TRUE(slept_between(a, ClockSample{700s, 55s}));
    const auto now = ClockSample::now();
    EXPECT_FALSE(slept_between(now, ClockSample::now()));
}

TEST(ClockJump, DetectorStartsAndStopsCleanly) {
    boost::asio::io_context io;
    int events = 0;
    {
        ClockJumpDetector detector(
            io.get_executor(), [&](ClockEvent) { ++events; }, 1s);
        ASSERT_TRUE(detector.start());
        // Only a layer with a clock that counts sleep polls for a suspend.
        EXPECT_EQ(detector.polls_for_sleep(), platform::has_sleep_clocks());
        io.run_for(50ms);
        detector.stop();
    }
    io.restart();
    io.run_for(10ms);
    EXPECT_EQ(events, 0);
}

TEST(AsioScheduler, FiresWhenTheClockReachesTheDeadline) {
    boost::asio::io_context io;
    AsioScheduler s(io.get_executor(), RealClock::instance());
    bool fired = false;
    s.arm(RealClock::instance().now() + 20ms, [&] { fired = true; });
    io.run_for(2s);
    EXPECT_TRUE(fired);
    fired = false;
    s.arm(RealClock::instance().now() + 10ms, [&] { fired = true; });
    s.disarm();
    io.restart();
    io.run_for(50ms);
    EXPECT_FALSE(fired);
}

}  // namespace
}  // namespace ssocred
