// Where the kernel offers no descriptor for another process's exit (no pidfd, no kqueue), a
// small thread per watched process asks once a second whether the process is still there
// (kill(pid, 0)) and makes a socket readable when it is gone. The caller holds the other end
// of a socket pair; when it closes it (the token was revoked, the daemon stops), the thread
// sees the hang-up in its poll() and ends. Watched processes are few (one per `ssocred exec`
// shell), so a thread each is cheap; a reused pid keeps a token alive until its expiry, which
// still bounds it.
#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>

#include "ssocred/errno_text.hpp"

#include "platform/process_exit_watch.hpp"

namespace ssocred::platform {
namespace {

constexpr int kCheckEveryMs = 1000;

// Gone: no such process, or our own child that has exited and waits to be reaped (kill()
// still finds a zombie; waitid with WNOWAIT sees it without taking its status from the
// caller, who reaps it).
bool process_gone(pid_t pid) {
    if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == pid;
}

#ifdef MSG_NOSIGNAL
constexpr int kSendFlags = MSG_NOSIGNAL;  // the caller may close its end as we send
#else
constexpr int kSendFlags = 0;
#endif

// Runs until the process is gone (then one byte is sent) or the caller's end is closed.
void watch(UniqueFd ours, pid_t pid) {
    for (;;) {
        pollfd p{ours.get(), POLLIN, 0};
        const int rc = ::poll(&p, 1, kCheckEveryMs);
        if (rc < 0 && errno == EINTR) continue;
        if (rc != 0) return;  // hang-up, a stray byte or an error: the caller is done with it
        if (process_gone(pid)) {
            const char byte = 0;
            (void)::send(ours.get(), &byte, 1, kSendFlags);
            return;
        }
    }
}

// errno is copied before anything else runs: building the message may allocate.
Error socket_error(const char* what) {
    const int err = errno;
    return Error::make(ErrorCode::Io, std::string(what) + ": " + errno_text(err));
}

Status set_cloexec_nonblock(int fd) {
    if (::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) return socket_error("cannot configure a socket");
    const int flags = ::fcntl(fd, F_GETFL);  // -1 | O_NONBLOCK would set every flag
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
        return socket_error("cannot configure a socket");
    return ok();
}

}  // namespace

Expected<UniqueFd> process_exit_fd(pid_t pid) {
    if (pid <= 0) return Error::make(ErrorCode::Invalid, "not a process id");
    if (process_gone(pid)) return Error::make(ErrorCode::NotFound, "no such process");
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
        return socket_error("cannot watch the process");
    UniqueFd callers(fds[0]);
    UniqueFd ours(fds[1]);
    if (auto st = set_cloexec_nonblock(callers.get()); !st) return st.error();
    if (::fcntl(ours.get(), F_SETFD, FD_CLOEXEC) != 0)
        return socket_error("cannot configure a socket");
    try {
        std::thread(watch, std::move(ours), pid).detach();
    } catch (const std::system_error& e) {
        return Error::make(ErrorCode::Io, std::string("cannot start a watch thread: ") + e.what());
    }
    return callers;
}

}  // namespace ssocred::platform
