#include "platform/process_exit_watch.hpp"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "support/readable.hpp"

namespace ssocred::platform {
namespace {

// A child that runs until the pipe's write end closes.
struct Child {
    pid_t pid = -1;
    int release_fd = -1;

    static Child start() {
        int fds[2];
        if (::pipe(fds) != 0) return {};
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::close(fds[1]);
            char c;
            [[maybe_unused]] auto n = ::read(fds[0], &c, 1);
            ::_exit(0);
        }
        ::close(fds[0]);
        return {pid, fds[1]};
    }
    void release() {
        if (release_fd >= 0) ::close(release_fd);
        release_fd = -1;
    }
    void reap() {
        release();
        if (pid > 0) ::waitpid(pid, nullptr, 0);
        pid = -1;
    }
};

using ssocred::testing::readable_within;

// The OS's own watch (a pidfd on Linux, a kqueue on macOS); the generic layer says plainly
// that it has none, which its callers take as "bounded by the expiry instead".
TEST(ProcessExitWatch, NoticesTheExit) {
    auto child = Child::start();
    ASSERT_GT(child.pid, 0);
    auto fd = process_exit_fd(child.pid);
    ASSERT_TRUE(fd) << fd.error().message;
    EXPECT_FALSE(readable_within(fd->get(), 100));  // alive
    child.release();                                // it exits
    EXPECT_TRUE(readable_within(fd->get(), 10000));
    child.reap();
}

TEST(ProcessExitWatch, AReapedProcessIsNotFound) {
    auto child = Child::start();
    ASSERT_GT(child.pid, 0);
    const pid_t pid = child.pid;
    child.reap();
    auto fd = process_exit_fd(pid);
    ASSERT_FALSE(fd);
    EXPECT_TRUE(fd.error().code == ErrorCode::NotFound || fd.error().code == ErrorCode::Io);
}

TEST(ProcessExitWatch, RefusesANonsensePid) {
    auto fd = process_exit_fd(0);
    ASSERT_FALSE(fd);
    EXPECT_EQ(fd.error().code, ErrorCode::Invalid);
}

}  // namespace
}  // namespace ssocred::platform
