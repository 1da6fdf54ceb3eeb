// A descriptor that becomes readable when a process exits, so the event loop can wait for
// it without polling (the daemon revokes the endpoint token an `ssocred exec` was given when
// that CLI process ends, however it ends: control/client_bound_tokens.hpp).
//
// Linux: a pidfd (pidfd_open, 5.3+), readable once the process has exited.
// macOS: a kqueue holding EVFILT_PROC NOTE_EXIT for the pid, readable once the event fired.
// generic: no kernel descriptor: a thread per watched process polls kill(pid, 0) once a
// second and makes a socket readable when it is gone, at most 64 at once
// (generic_process_watch.hpp). Beyond that, or where a watch cannot be set up, the error
// is Io and callers fall back to what bounds the wait anyway (a token's expiry, the CLI's
// polling of waitpid).
#pragma once

#include <sys/types.h>

#include "ssocred/expected.hpp"

#include "store/unique_fd.hpp"

namespace ssocred::platform {

// Close-on-exec; readable once the process has exited (a zombie not yet reaped counts as
// exited). Errors: NotFound when no process has this pid (it has exited, on macOS also when
// it is a zombie); Io when the system cannot watch it (no pidfd support, limits, generic).
Expected<UniqueFd> process_exit_fd(pid_t pid);

}  // namespace ssocred::platform
