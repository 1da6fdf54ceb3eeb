#include <cerrno>
#include <string>
#include <sys/syscall.h>
#include <unistd.h>

#include "ssocred/errno_text.hpp"

#include "platform/process_exit_watch.hpp"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434  // the same number on every architecture (Linux 5.3)
#endif

namespace ssocred::platform {

Expected<UniqueFd> process_exit_fd(pid_t pid) {
    if (pid <= 0) return Error::make(ErrorCode::Invalid, "not a process id");
    // glibc 2.36 has a wrapper; Debian 12's headers do not declare it everywhere. A pidfd
    // is close-on-exec by itself; PIDFD_NONBLOCK is irrelevant to poll readiness.
    const long fd = ::syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0) {
        const int err = errno;
        if (err == ESRCH) return Error::make(ErrorCode::NotFound, "the process has exited");
        return Error::make(ErrorCode::Io,
                           "cannot watch process " + std::to_string(pid) + ": " + errno_text(err));
    }
    return UniqueFd(static_cast<int>(fd));
}

}  // namespace ssocred::platform
