// Close-on-exec descriptors: the OS's atomic forms and the fallback macOS uses (run here
// too, so both are exercised on Linux), each in blocking and non-blocking mode.
#include "ssocred/descriptors.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace ssocred {
namespace {

struct Flags {
    bool cloexec;
    bool nonblocking;
};

Flags flags_of(int fd) {
    return {(::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, (::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0};
}

struct Impl {
    int (*socket)(int, int, int, FdMode) noexcept;
    int (*accept)(int, sockaddr*, socklen_t*, FdMode) noexcept;
    int (*pipe)(int (&)[2], FdMode) noexcept;
};

class DescriptorsTest : public ::testing::TestWithParam<bool> {
  protected:
    Impl impl() const {
        if (GetParam())
            return {fallback::socket_cloexec, fallback::accept_cloexec, fallback::pipe_cloexec};
        return {socket_cloexec, accept_cloexec, pipe_cloexec};
    }
};

TEST_P(DescriptorsTest, SocketIsCloseOnExecAndBlockingAsAsked) {
    for (FdMode mode : {FdMode::Blocking, FdMode::NonBlocking}) {
        const int fd = impl().socket(AF_UNIX, SOCK_STREAM, 0, mode);
        ASSERT_GE(fd, 0);
        const Flags f = flags_of(fd);
        EXPECT_TRUE(f.cloexec);
        EXPECT_EQ(f.nonblocking, mode == FdMode::NonBlocking);
        ::close(fd);
    }
}

TEST_P(DescriptorsTest, PipeEndsAreCloseOnExecAndBlockingAsAsked) {
    for (FdMode mode : {FdMode::Blocking, FdMode::NonBlocking}) {
        int fds[2] = {-1, -1};
        ASSERT_EQ(impl().pipe(fds, mode), 0);
        for (int fd : fds) {
            const Flags f = flags_of(fd);
            EXPECT_TRUE(f.cloexec);
            EXPECT_EQ(f.nonblocking, mode == FdMode::NonBlocking);
            ::close(fd);
        }
    }
}

// The mode is the caller's, not the listener's (a BSD accept copies O_NONBLOCK from it).
TEST_P(DescriptorsTest, AcceptedConnectionTakesTheAskedModeNotTheListeners) {
    const int listener = socket_cloexec(AF_INET, SOCK_STREAM, 0, FdMode::NonBlocking);
    ASSERT_GE(listener, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), len), 0);
    ASSERT_EQ(::listen(listener, 4), 0);
    ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    for (FdMode mode : {FdMode::Blocking, FdMode::NonBlocking}) {
        const int client = socket_cloexec(AF_INET, SOCK_STREAM, 0);
        ASSERT_GE(client, 0);
        ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        sockaddr_in peer{};
        socklen_t peer_len = sizeof peer;
        const int fd = impl().accept(listener, reinterpret_cast<sockaddr*>(&peer), &peer_len, mode);
        ASSERT_GE(fd, 0);
        EXPECT_EQ(peer.sin_family, AF_INET);
        const Flags f = flags_of(fd);
        EXPECT_TRUE(f.cloexec);
        EXPECT_EQ(f.nonblocking, mode == FdMode::NonBlocking);
        ::close(fd);
        ::close(client);
    }
    ::close(listener);
}

INSTANTIATE_TEST_SUITE_P(AtomicAndFallback, DescriptorsTest, ::testing::Bool(),
                         [](const auto& test) { return test.param ? "Fallback" : "Atomic"; });

}  // namespace
}  // namespace ssocred
