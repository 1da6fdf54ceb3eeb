// The generic layer's process exit watch (process_exit_watch_generic.cpp), built on every
// OS so its limit is tested where the OS has a watch of its own.
//
// With no kernel descriptor for another process's exit (no pidfd, no kqueue), a detached
// thread per watched process asks once a second whether the process is still there and
// makes a socket readable when it is gone. Threads are not free, and every control client
// may ask for a watch (`ssocred exec`, bind_to_client): at most `max_watches` run at once;
// beyond that the watch is refused (Io), which callers take as "not supported here" (the
// token's expiry bounds it instead).
#pragma once

#include <cstddef>
#include <sys/types.h>

#include "ssocred/expected.hpp"

#include "store/unique_fd.hpp"

namespace ssocred::platform::generic {

inline constexpr std::size_t kMaxProcessWatches = 64;

// As platform::process_exit_fd. Errors: Invalid (pid <= 0), NotFound (no such process), Io
// (no socket, no thread, or `max_watches` watches already running).
Expected<UniqueFd> polled_process_exit_fd(pid_t pid, std::size_t max_watches = kMaxProcessWatches);

// Watch threads running now (each ends soon after its process exits or its descriptor is
// closed).
std::size_t running_process_watches() noexcept;

}  // namespace ssocred::platform::generic
