// The hand-written notify protocol (platform/systemd.hpp) against a real datagram socket, as
// systemd and the CLI's autostart listen for it.
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "platform/os_layer.hpp"
#include "platform/systemd.hpp"
#include "support/temp_dir.hpp"

namespace ssocred::platform {
namespace {

// A bound datagram socket standing for the service manager; NOTIFY_SOCKET names it while
// the test runs.
class NotifyListener : public ::testing::Test {
  protected:
    void TearDown() override {
        if (fd_ >= 0) ::close(fd_);
        ::unsetenv("NOTIFY_SOCKET");
    }

    // Binds `address` ("/path" or "@abstract") and points NOTIFY_SOCKET at it.
    bool listen_on(const std::string& address) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM, 0);
        if (fd_ < 0) return false;
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        if (address.size() >= sizeof a.sun_path) return false;
        address.copy(a.sun_path, address.size());
        socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size());
        if (address.front() == '@') {
            a.sun_path[0] = '\0';
        } else {
            len += 1;
        }
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0) return false;
        timeval tv{2, 0};  // a lost datagram fails the test instead of hanging it
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setenv("NOTIFY_SOCKET", address.c_str(), 1);
        return true;
    }

    std::string receive() {
        char buf[4096];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        return n < 0 ? std::string("<nothing: errno ") + std::to_string(errno) + ">"
                     : std::string(buf, static_cast<std::size_t>(n));
    }

    test::TempDir dir_{"ssocred-notify"};
    int fd_ = -1;
};

TEST_F(NotifyListener, EveryMessageArrivesAsOneDatagram) {
    ASSERT_TRUE(listen_on((dir_ / "notify").string()));
    EXPECT_TRUE(systemd_notify_available());
    notify_ready();
    EXPECT_EQ(receive(), "READY=1");
    notify_ready("serving");
    EXPECT_EQ(receive(), "READY=1\nSTATUS=serving");
    // A status is one line: a newline would start a new assignment.
    notify_status("two\nlines\r");
    EXPECT_EQ(receive(), "STATUS=two lines ");
    notify_watchdog();
    EXPECT_EQ(receive(), "WATCHDOG=1");
    notify_stopping("bye");
    EXPECT_EQ(receive(), "STOPPING=1\nSTATUS=bye");
    notify_reloading("re-reading");
    const std::string reloading = receive();
    EXPECT_EQ(reloading.rfind("RELOADING=1\nMONOTONIC_USEC=", 0), 0u) << reloading;
    EXPECT_NE(reloading.find("\nSTATUS=re-reading"), std::string::npos) << reloading;
}

TEST_F(NotifyListener, AbstractAddressesOnLinux) {
    if (!kernel_is_linux()) {
        // No abstract namespace: the send fails and the daemon carries on.
        EXPECT_FALSE(send_notify("@ssocred-test", "READY=1"));
        return;
    }
    const std::string name = "@ssocred-notify-test-" + std::to_string(::getpid());
    ASSERT_TRUE(listen_on(name));
    notify_ready("abstract");
    EXPECT_EQ(receive(), "READY=1\nSTATUS=abstract");
}

TEST(NotifyProtocol, UnreachableAddressesAreErrorsAndNoSocketIsANoOp) {
    EXPECT_EQ(send_notify("", "READY=1").error().code, ErrorCode::Invalid);
    EXPECT_EQ(send_notify("relative/path", "READY=1").error().code, ErrorCode::Invalid);
    EXPECT_EQ(send_notify("vsock:2:1234", "READY=1").error().code, ErrorCode::Invalid);
    EXPECT_EQ(send_notify("/" + std::string(200, 'x'), "READY=1").error().code, ErrorCode::Invalid);
    // Nobody listens there.
    EXPECT_EQ(send_notify("/nonexistent/ssocred-notify", "READY=1").error().code, ErrorCode::Io);
    ::unsetenv("NOTIFY_SOCKET");
    EXPECT_FALSE(systemd_notify_available());
    notify_ready("nobody listens");  // must not fail or block
}

TEST(ListenFds, ParsedOnlyForThisProcess) {
    const pid_t me = 4242;
    auto none = parse_listen_fds(nullptr, "2", nullptr, me);
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
    auto other = parse_listen_fds("4243", "2", nullptr, me);
    ASSERT_TRUE(other);
    EXPECT_TRUE(other->empty());
    auto no_count = parse_listen_fds("4242", nullptr, nullptr, me);
    ASSERT_TRUE(no_count);
    EXPECT_TRUE(no_count->empty());

    auto unnamed = parse_listen_fds("4242", "2", nullptr, me);
    ASSERT_TRUE(unnamed) << unnamed.error().message;
    ASSERT_EQ(unnamed->size(), 2u);
    EXPECT_EQ((*unnamed)[0].fd, kListenFdsStart);
    EXPECT_EQ((*unnamed)[0].name, "unknown");
    EXPECT_EQ((*unnamed)[1].fd, kListenFdsStart + 1);

    auto named = parse_listen_fds("4242", "3", "control:http:", me);
    ASSERT_TRUE(named) << named.error().message;
    ASSERT_EQ(named->size(), 3u);
    EXPECT_EQ((*named)[0].name, "control");
    EXPECT_EQ((*named)[1].name, "http");
    EXPECT_EQ((*named)[2].name, "");  // an empty name is a name
    EXPECT_EQ((*named)[2].fd, kListenFdsStart + 2);

    auto zero = parse_listen_fds("4242", "0", nullptr, me);
    ASSERT_TRUE(zero);
    EXPECT_TRUE(zero->empty());
}

TEST(ListenFds, MalformedVariablesAreErrors) {
    const pid_t me = 4242;
    for (const char* pid : {"", "x", "-1", " 4242", "4242 "})
        EXPECT_FALSE(parse_listen_fds(pid, "1", nullptr, me)) << "LISTEN_PID=" << pid;
    for (const char* count : {"", "-1", "one", "1x", "99999999"})
        EXPECT_FALSE(parse_listen_fds("4242", count, nullptr, me)) << "LISTEN_FDS=" << count;
    // As many names as descriptors, no more, no fewer.
    EXPECT_FALSE(parse_listen_fds("4242", "2", "control", me));
    EXPECT_FALSE(parse_listen_fds("4242", "1", "control:http", me));
}

TEST(ListenFds, TheEnvironmentIsClearedWhateverItSaid) {
    ::setenv("LISTEN_PID", std::to_string(::getpid() + 1).c_str(), 1);
    ::setenv("LISTEN_FDS", "1", 1);
    ::setenv("LISTEN_FDNAMES", "control", 1);
    auto fds = systemd_listen_fds();
    ASSERT_TRUE(fds);
    EXPECT_TRUE(fds->empty());  // meant for another process
    EXPECT_EQ(std::getenv("LISTEN_PID"), nullptr);
    EXPECT_EQ(std::getenv("LISTEN_FDS"), nullptr);
    EXPECT_EQ(std::getenv("LISTEN_FDNAMES"), nullptr);

    ::setenv("LISTEN_PID", "garbage", 1);
    ::setenv("LISTEN_FDS", "1", 1);
    EXPECT_FALSE(systemd_listen_fds());
    EXPECT_EQ(std::getenv("LISTEN_PID"), nullptr);
    EXPECT_EQ(std::getenv("LISTEN_FDS"), nullptr);
}

TEST(ListenFds, PassedDescriptorsBecomeCloseOnExec) {
    // Stand in for the manager: a socket at fd 3 (kListenFdsStart), inherited without
    // FD_CLOEXEC, for this very process.
    const int saved = ::dup(kListenFdsStart);  // -1 when fd 3 was free
    const int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(s, 0);
    if (s != kListenFdsStart) {
        ASSERT_EQ(::dup2(s, kListenFdsStart), kListenFdsStart);
        ::close(s);
    }
    ::setenv("LISTEN_PID", std::to_string(::getpid()).c_str(), 1);
    ::setenv("LISTEN_FDS", "1", 1);
    ::setenv("LISTEN_FDNAMES", "control", 1);
    auto fds = systemd_listen_fds();
    const int flags = ::fcntl(kListenFdsStart, F_GETFD);
    if (saved >= 0) {
        ::dup2(saved, kListenFdsStart);
        ::close(saved);
    } else {
        ::close(kListenFdsStart);
    }
    ASSERT_TRUE(fds) << fds.error().message;
    ASSERT_EQ(fds->size(), 1u);
    EXPECT_EQ((*fds)[0].fd, kListenFdsStart);
    EXPECT_EQ((*fds)[0].name, "control");
    EXPECT_NE(flags & FD_CLOEXEC, 0);
}

TEST(Watchdog, MalformedValuesTurnItOff) {
    ::unsetenv("WATCHDOG_PID");
    for (const char* usec : {"", "0", "-5", "abc", "10s"}) {
        ::setenv("WATCHDOG_USEC", usec, 1);
        EXPECT_FALSE(watchdog_ping_interval()) << usec;
    }
    ::setenv("WATCHDOG_USEC", "2000000", 1);
    ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
    auto interval = watchdog_ping_interval();
    ASSERT_TRUE(interval);
    EXPECT_EQ(interval->count(), 1000000);
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
}

}  // namespace
}  // namespace ssocred::platform
