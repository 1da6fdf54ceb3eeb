// The POSIX part of harden_process(); the OS layer's own step is deny_debuggers_<layer>.cpp.
#include "platform/process_hardening.hpp"

#include <algorithm>
#include <cerrno>
#include <string>
#include <sys/resource.h>

#include "ssocred/errno_text.hpp"

namespace ssocred {

Status harden_process() {
    std::string failures;
    const rlimit no_core{0, 0};
    if (::setrlimit(RLIMIT_CORE, &no_core) != 0) {
        const int err = errno;
        failures += "setrlimit(RLIMIT_CORE, 0): " + errno_text(err) + "; ";
    }
    // Every client connection is a descriptor. The soft limit is often 1024 while the hard
    // limit is far higher: at the soft limit accept() fails and new clients wait in the
    // backlog until idle connections time out, and the upstream client and the state
    // writes fail too. Nothing here uses select(), so a higher limit is safe; capped so
    // children (a browser opener) do not inherit a limit in the millions.
    constexpr rlim_t kWantedFiles = 65536;
    if (rlimit files{}; ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < kWantedFiles &&
                        files.rlim_cur < files.rlim_max) {
        files.rlim_cur = std::min(files.rlim_max, kWantedFiles);
        if (::setrlimit(RLIMIT_NOFILE, &files) != 0) {
            const int err = errno;
            failures += "setrlimit(RLIMIT_NOFILE): " + errno_text(err) + "; ";
        }
    }
    (void)platform::deny_debuggers(failures);
    if (!failures.empty()) {
        failures.resize(failures.size() - 2);
        return Error::make(ErrorCode::Internal, "process hardening incomplete: " + failures);
    }
    return ok();
}

}  // namespace ssocred
