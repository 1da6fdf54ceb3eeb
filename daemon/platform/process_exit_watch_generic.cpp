// No kernel descriptor for another process's exit here: a polling thread per watched
// process, at most generic::kMaxProcessWatches at once (generic_process_watch.hpp).
#include "platform/generic_process_watch.hpp"
#include "platform/process_exit_watch.hpp"

namespace ssocred::platform {

Expected<UniqueFd> process_exit_fd(pid_t pid) {
    return generic::polled_process_exit_fd(pid);
}

}  // namespace ssocred::platform
