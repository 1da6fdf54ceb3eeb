// The systemd and launchd helpers outside a service manager: no sockets, no watchdog, and
// the notify calls are harmless no-ops.
#include <cstdlib>

#include <gtest/gtest.h>

#include "platform/launchd.hpp"
#include "platform/systemd.hpp"

namespace ssocred::platform {
namespace {

TEST(Systemd, NothingOutsideSystemd) {
    ::unsetenv("LISTEN_FDS");
    ::unsetenv("LISTEN_PID");
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    auto fds = systemd_listen_fds();
    ASSERT_TRUE(fds);
    EXPECT_TRUE(fds->empty());
    EXPECT_FALSE(systemd_notify_available());
    EXPECT_FALSE(watchdog_ping_interval());
    notify_ready("serving");
    notify_status("a\nb");
    notify_watchdog();
    notify_reloading();
    notify_stopping();
}

TEST(Systemd, WatchdogIntervalIsHalf) {
    ::setenv("WATCHDOG_USEC", "30000000", 1);
    ::unsetenv("WATCHDOG_PID");
    auto interval = watchdog_ping_interval();
    ASSERT_TRUE(interval);
    EXPECT_EQ(interval->count(), 15000000);
    ::unsetenv("WATCHDOG_USEC");
}

TEST(Launchd, NoSocketsOutsideLaunchd) {
    auto s = launchd_sockets();
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->empty());
}

}  // namespace
}  // namespace ssocred::platform
