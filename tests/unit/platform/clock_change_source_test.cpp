#include "platform/clock_change_source.hpp"

#include <atomic>
#include <poll.h>

#include <gtest/gtest.h>

#include "platform/os_layer.hpp"
#include "support/readable.hpp"

namespace ssocred::platform {
namespace {

using namespace std::chrono_literals;

using ssocred::testing::readable_within;

TEST(WallClockCheck, AWallClockThatKeepsPaceIsNoJump) {
    WallClockCheck check({1000s, 50s});
    EXPECT_FALSE(check.observe({1002s, 52s}));
    EXPECT_FALSE(check.observe({1004s + 500ms, 54s}));  // NTP-sized disagreement
    EXPECT_FALSE(check.observe({1006s, 56s + 400ms}));  // and back
}

TEST(WallClockCheck, SetForwardOrBackIsAJumpOnce) {
    WallClockCheck check({1000s, 50s});
    EXPECT_TRUE(check.observe({4600s, 52s}));   // an hour ahead
    EXPECT_FALSE(check.observe({4602s, 54s}));  // and from there on in step
    EXPECT_TRUE(check.observe({4000s, 56s}));   // back ten minutes
    EXPECT_FALSE(check.observe({4002s, 58s}));
}

TEST(WallClockCheck, TheToleranceIsTheCallers) {
    WallClockCheck check({0s, 0s}, 10s);
    EXPECT_FALSE(check.observe({7s, 0s}));
    EXPECT_TRUE(check.observe({20s, 1s}));
}

// The generic source with an injected clock: its thread notices the jump and makes the
// descriptor readable; drain() reports it once.
TEST(PollingClockChangeSource, ReportsAnInjectedJump) {
    std::atomic<std::int64_t> wall_offset_s{0};
    auto read = [&wall_offset_s] {
        auto r = ClockReadings::now();
        r.wall += std::chrono::seconds(wall_offset_s.load());
        return r;
    };
    auto source = make_polling_clock_change_source(10ms, read);
    ASSERT_TRUE(source) << source.error().message;
    auto& s = **source;
    EXPECT_FALSE(readable_within(s.native_handle(), 100));

    wall_offset_s = -3600;  // someone set the clock an hour back
    ASSERT_TRUE(readable_within(s.native_handle(), 5000));
    auto jumped = s.drain();
    ASSERT_TRUE(jumped);
    EXPECT_TRUE(*jumped);
    EXPECT_FALSE(readable_within(s.native_handle(), 100));
    auto again = s.drain();
    ASSERT_TRUE(again);
    EXPECT_FALSE(*again);
}

TEST(PollingClockChangeSource, TheRealClocksKeepPace) {
    auto source = make_polling_clock_change_source(10ms);
    ASSERT_TRUE(source) << source.error().message;
    EXPECT_FALSE(readable_within((*source)->native_handle(), 200));
}

// The OS's own source starts and stays quiet while nobody sets the clock. (Setting the real
// clock would need root and disturb everything else on the machine: the jump itself is
// tested on the generic source above.)
TEST(ClockChangeSource, NativeStartsQuiet) {
    auto source = make_clock_change_source();
    ASSERT_TRUE(source) << source.error().message;
    if (readable_within((*source)->native_handle(), 100)) {
        auto jumped = (*source)->drain();
        ASSERT_TRUE(jumped);
        EXPECT_FALSE(*jumped);
    }
}

TEST(SleepClocks, OnlyTheGenericLayerHasNoPair) {
    EXPECT_EQ(has_sleep_clocks(), os_layer() != "generic");
    if (!has_sleep_clocks()) {
        const auto c = read_sleep_clocks();
        EXPECT_EQ(c.with_sleep, c.without_sleep);
    }
}

TEST(SleepClocks, TheClockThatCountsSleepNeverLagsBehind) {
    const auto a = read_sleep_clocks();
    const auto b = read_sleep_clocks();
    EXPECT_GE(b.with_sleep, a.with_sleep);
    EXPECT_GE(b.without_sleep, a.without_sleep);
    EXPECT_GE(b.with_sleep - a.with_sleep + 1ms, b.without_sleep - a.without_sleep);
}

}  // namespace
}  // namespace ssocred::platform
