#include "store/process_hardening.hpp"

#include <cerrno>
#include <cstring>
#include <string>
#include <sys/resource.h>

#include "store/errno_text.hpp"

#if defined(__linux__)
#include <sys/prctl.h>
#endif

namespace ssocred {

Status harden_process() {
    std::string failures;
    const rlimit no_core{0, 0};
    if (::setrlimit(RLIMIT_CORE, &no_core) != 0) {
        const int err = errno;
        failures += "setrlimit(RLIMIT_CORE, 0): " + errno_text(err) + "; ";
    }
#if defined(__linux__)
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        const int err = errno;
        failures += "prctl(PR_SET_DUMPABLE, 0): " + errno_text(err) + "; ";
    }
#endif
    if (!failures.empty()) {
        failures.resize(failures.size() - 2);
        return Error::make(ErrorCode::Internal, "process hardening incomplete: " + failures);
    }
    return ok();
}

}  // namespace ssocred
