// macOS: kqueue EVFILT_PROC with NOTE_EXIT (kqueue(2)). The kqueue itself is the descriptor
// handed out: it is readable once the exit event is queued, and closing it drops the watch.
// Registering for a pid that no longer runs fails with ESRCH - for a zombie too, since the
// kernel no longer finds an exited process - so "already gone" is NotFound, as on Linux.
#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/event.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#include "ssocred/errno_text.hpp"

#include "platform/process_exit_watch.hpp"

namespace ssocred::platform {

Expected<UniqueFd> process_exit_fd(pid_t pid) {
    if (pid <= 0) return Error::make(ErrorCode::Invalid, "not a process id");
    UniqueFd kq(::kqueue());
    if (!kq.valid()) {
        const int err = errno;
        return Error::make(ErrorCode::Io,
                           "cannot watch process " + std::to_string(pid) + ": " + errno_text(err));
    }
    // A kqueue is never inherited by a child, but its descriptor number would be.
    ::fcntl(kq.get(), F_SETFD, FD_CLOEXEC);
    struct kevent exit_event {};
    exit_event.ident = static_cast<uintptr_t>(pid);
    exit_event.filter = EVFILT_PROC;
    exit_event.flags = EV_ADD | EV_ONESHOT;
    exit_event.fflags = NOTE_EXIT;
    if (::kevent(kq.get(), &exit_event, 1, nullptr, 0, nullptr) != 0) {
        const int err = errno;
        if (err == ESRCH) return Error::make(ErrorCode::NotFound, "the process has exited");
        return Error::make(ErrorCode::Io,
                           "cannot watch process " + std::to_string(pid) + ": " + errno_text(err));
    }
    return kq;
}

}  // namespace ssocred::platform
