// No portable way to wait for another process's exit on a descriptor. Every caller copes:
// the daemon's client-bound endpoint tokens keep their expiry as the bound
// (control/client_bound_tokens.cpp, ControlApi::client_exit_fd), and the CLI's autostart
// polls waitpid() while it waits for the daemon it started.
#include "platform/process_exit_watch.hpp"

namespace ssocred::platform {

Expected<UniqueFd> process_exit_fd(pid_t pid) {
    if (pid <= 0) return Error::make(ErrorCode::Invalid, "not a process id");
    return Error::make(ErrorCode::Io, "watching a process's exit is not supported on this system");
}

}  // namespace ssocred::platform
