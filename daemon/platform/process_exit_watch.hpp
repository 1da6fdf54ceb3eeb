// A descriptor that becomes readable when a process exits, so the event loop can wait for
// it without polling (the daemon revokes the endpoint token an `ssocred exec` was given when
// that CLI process ends, however it ends: control/client_bound_tokens.hpp).
//
// Linux: a pidfd (pidfd_open, 5.3+), readable once the process has exited.
#pragma once

#include <sys/types.h>

#include "ssocred/expected.hpp"

#include "store/unique_fd.hpp"

namespace ssocred::platform {

// Non-blocking, close-on-exec. Errors: NotFound when no process has this pid (it has exited
// and been reaped already); Io when the kernel cannot watch it (no pidfd support, limits).
Expected<UniqueFd> process_exit_fd(pid_t pid);

}  // namespace ssocred::platform
