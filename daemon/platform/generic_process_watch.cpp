// A small thread per watched process polls kill(pid, 0) once a second and sends a byte on
// a socket pair when the process is gone. The caller holds the other end; when it closes it
// (the token was revoked, the daemon stops), the thread sees the hang-up in its poll() and
// ends. A reused pid keeps a token alive until its expiry, which still bounds it.
#include "platform/generic_process_watch.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <utility>

#include "ssocred/errno_text.hpp"

namespace ssocred::platform::generic {
namespace {

constexpr int kCheckEveryMs = 1000;

std::atomic<std::size_t> running_watches{0};

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

// One slot of the limit, held by a watch thread from before it starts until it ends.
class WatchSlot {
  public:
    static std::optional<WatchSlot> take(std::size_t max) {
        std::size_t n = running_watches.load();
        do {
            if (n >= max) return std::nullopt;
        } while (!running_watches.compare_exchange_weak(n, n + 1));
        return WatchSlot();
    }
    WatchSlot(WatchSlot&& other) noexcept : held_(std::exchange(other.held_, false)) {}
    WatchSlot& operator=(WatchSlot&&) = delete;
    ~WatchSlot() {
        if (held_) running_watches.fetch_sub(1);
    }

  private:
    WatchSlot() = default;
    bool held_ = true;
};

// Runs until the process is gone (then one byte is sent) or the caller's end is closed.
void watch(UniqueFd ours, pid_t pid, WatchSlot) {
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

}  // namespace

Expected<UniqueFd> polled_process_exit_fd(pid_t pid, std::size_t max_watches) {
    if (pid <= 0) return Error::make(ErrorCode::Invalid, "not a process id");
    if (process_gone(pid)) return Error::make(ErrorCode::NotFound, "no such process");
    auto slot = WatchSlot::take(max_watches);
    if (!slot)
        return Error::make(ErrorCode::Io, "cannot watch the process: already watching " +
                                              std::to_string(max_watches) +
                                              " processes (the limit of this build)");
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
        const int err = errno;
        return Error::make(ErrorCode::Io, "cannot watch the process: " + errno_text(err));
    }
    UniqueFd callers(fds[0]);
    UniqueFd ours(fds[1]);
    const int flags = ::fcntl(callers.get(), F_GETFL);  // -1 | O_NONBLOCK would set every flag
    if (flags < 0 || ::fcntl(callers.get(), F_SETFD, FD_CLOEXEC) != 0 ||
        ::fcntl(callers.get(), F_SETFL, flags | O_NONBLOCK) != 0 ||
        ::fcntl(ours.get(), F_SETFD, FD_CLOEXEC) != 0) {
        const int err = errno;
        return Error::make(ErrorCode::Io, "cannot configure a socket: " + errno_text(err));
    }
    try {
        std::thread(watch, std::move(ours), pid, std::move(*slot)).detach();
    } catch (const std::system_error& e) {
        return Error::make(ErrorCode::Io, std::string("cannot start a watch thread: ") + e.what());
    }
    return callers;
}

std::size_t running_process_watches() noexcept {
    return running_watches.load();
}

}  // namespace ssocred::platform::generic
