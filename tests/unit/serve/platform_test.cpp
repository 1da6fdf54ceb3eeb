// The systemd and launchd helpers outside a service manager (no sockets, no watchdog, the
// notify calls harmless no-ops), the classification of activated sockets, and the decision
// to log to the journal.
#include <cstdio>
#include <cstdlib>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "logging.hpp"
#include "platform/activation.hpp"
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
    auto all = activated_sockets();
    ASSERT_TRUE(all);
    EXPECT_TRUE(all->empty());
}

TEST(Systemd, WatchdogIntervalIsHalf) {
    ::setenv("WATCHDOG_USEC", "30000000", 1);
    ::unsetenv("WATCHDOG_PID");
    auto interval = watchdog_ping_interval();
    ASSERT_TRUE(interval);
    EXPECT_EQ(interval->count(), 15000000);
    ::unsetenv("WATCHDOG_USEC");
}

TEST(Systemd, WatchdogForAnotherPidIsOff) {
    ::setenv("WATCHDOG_USEC", "30000000", 1);
    ::setenv("WATCHDOG_PID", std::to_string(::getpid() + 1).c_str(), 1);
    EXPECT_FALSE(watchdog_ping_interval());
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
}

TEST(Launchd, NoSocketsOutsideLaunchd) {
    auto s = launchd_sockets();
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->empty());
}

// Listening sockets of each kind, closed when the test ends.
class Sockets : public ::testing::Test {
  protected:
    void TearDown() override {
        for (int fd : fds_) ::close(fd);
        if (!dir_.empty()) {
            ::unlink((dir_ + "/s.sock").c_str());
            ::rmdir(dir_.c_str());
        }
    }
    int unix_listener() {
        char tmpl[] = "/tmp/ssocred-platform-XXXXXX";
        if (::mkdtemp(tmpl) == nullptr) return -1;
        dir_ = tmpl;
        const int fd = keep(::socket(AF_UNIX, SOCK_STREAM, 0));
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        path_ = dir_ + "/s.sock";
        std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path_.c_str());
        if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return -1;
        return ::listen(fd, 1) == 0 ? fd : -1;
    }
    int tcp_listener(int family) {
        const int fd = keep(::socket(family, SOCK_STREAM, 0));
        int rc = -1;
        if (family == AF_INET) {
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            rc = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        } else {
            sockaddr_in6 a{};
            a.sin6_family = AF_INET6;
            a.sin6_addr = in6addr_loopback;
            rc = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        }
        if (rc != 0) return -1;
        return ::listen(fd, 1) == 0 ? fd : -1;
    }
    int keep(int fd) {
        if (fd >= 0) fds_.push_back(fd);
        return fd;
    }
    std::string path_;

  private:
    std::vector<int> fds_;
    std::string dir_;
};

TEST_F(Sockets, DistinctNamesAreUsed) {
    const int ctl = unix_listener();
    const int http = tcp_listener(AF_INET);
    ASSERT_GE(ctl, 0);
    ASSERT_GE(http, 0);
    auto c = classify_sockets({{http, "http"}, {ctl, "control"}});
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_EQ(c->size(), 2u);
    EXPECT_EQ((*c)[0].fd, http);
    EXPECT_EQ((*c)[0].role, SocketRole::Http);
    EXPECT_EQ((*c)[1].fd, ctl);
    EXPECT_EQ((*c)[1].role, SocketRole::Control);
    EXPECT_EQ((*c)[1].unix_path, path_);
    EXPECT_STREQ(to_string(SocketRole::Control), "control");
    EXPECT_STREQ(to_string(SocketRole::Http), "http");
}

// One socket unit: FileDescriptorName= names all its fds alike; the family decides.
TEST_F(Sockets, OneSharedNameFallsBackToTheFamily) {
    const int ctl = unix_listener();
    const int v4 = tcp_listener(AF_INET);
    ASSERT_GE(ctl, 0);
    ASSERT_GE(v4, 0);
    for (const char* shared : {"http", "control", "ssocredd.socket", "unknown", ""}) {
        auto c = classify_sockets({{ctl, shared}, {v4, shared}});
        ASSERT_TRUE(c) << shared << ": " << c.error().message;
        ASSERT_EQ(c->size(), 2u);
        EXPECT_EQ((*c)[0].role, SocketRole::Control) << shared;
        EXPECT_EQ((*c)[1].role, SocketRole::Http) << shared;
    }
}

TEST_F(Sockets, Ipv6IsHttpAndUnknownNamesUseTheFamily) {
    const int ctl = unix_listener();
    const int v4 = tcp_listener(AF_INET);
    const int v6 = tcp_listener(AF_INET6);
    ASSERT_GE(ctl, 0);
    ASSERT_GE(v4, 0);
    if (v6 < 0) GTEST_SKIP() << "no IPv6 loopback on this machine";
    auto c = classify_sockets({{v6, "http"}, {v4, "http"}, {ctl, "ssocredd.socket"}});
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ((*c)[0].role, SocketRole::Http);
    EXPECT_EQ((*c)[1].role, SocketRole::Http);
    EXPECT_EQ((*c)[2].role, SocketRole::Control);
}

TEST_F(Sockets, NameContradictingTheSocketIsAnError) {
    const int ctl = unix_listener();
    const int http = tcp_listener(AF_INET);
    ASSERT_GE(ctl, 0);
    ASSERT_GE(http, 0);
    auto swapped = classify_sockets({{ctl, "http"}, {http, "control"}});
    ASSERT_FALSE(swapped);
    EXPECT_EQ(swapped.error().code, ErrorCode::Invalid);
    // A lone fd's name is all there is to go on: it must agree too.
    EXPECT_FALSE(classify_sockets({{http, "control"}}));
    EXPECT_TRUE(classify_sockets({{http, "http"}}));
}

TEST_F(Sockets, UnsupportedSocketsAreErrors) {
    const int ctl = unix_listener();
    ASSERT_GE(ctl, 0);
    EXPECT_FALSE(classify_sockets({{ctl, "control"}, {ctl, "other"}}));  // two control sockets
    const int dgram = keep(::socket(AF_INET, SOCK_DGRAM, 0));
    ASSERT_GE(dgram, 0);
    EXPECT_FALSE(classify_sockets({{dgram, "http"}}));
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    keep(p[0]);
    keep(p[1]);
    EXPECT_FALSE(classify_sockets({{p[0], "control"}}));
    EXPECT_TRUE(classify_sockets({}));
}

// JOURNAL_STREAM must name the very file stderr is open on.
TEST(Journal, StreamMustMatchTheFd) {
    std::FILE* f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    const int fd = ::fileno(f);
    struct stat st {};
    ASSERT_EQ(::fstat(fd, &st), 0);
    const auto dev = std::to_string(static_cast<unsigned long long>(st.st_dev));
    const auto ino = std::to_string(static_cast<unsigned long long>(st.st_ino));
    EXPECT_TRUE(stream_is_journal((dev + ":" + ino).c_str(), fd));
    EXPECT_FALSE(stream_is_journal(nullptr, fd));
    EXPECT_FALSE(stream_is_journal("", fd));
    EXPECT_FALSE(stream_is_journal((dev + ":" + std::to_string(st.st_ino + 1)).c_str(), fd));
    EXPECT_FALSE(stream_is_journal((std::to_string(st.st_dev + 1) + ":" + ino).c_str(), fd));
    for (const std::string& bad : {dev, dev + ":", ":" + ino, dev + ":" + ino + "x",
                                   " " + dev + ":" + ino, dev + ":-" + ino, std::string("a:b")}) {
        EXPECT_FALSE(stream_is_journal(bad.c_str(), fd)) << bad;
    }
    // The variable inherited by a process whose stderr now goes elsewhere.
    std::FILE* other = std::tmpfile();
    ASSERT_NE(other, nullptr);
    EXPECT_FALSE(stream_is_journal((dev + ":" + ino).c_str(), ::fileno(other)));
    std::fclose(other);
    std::fclose(f);
}

}  // namespace
}  // namespace ssocred::platform
