#include "store/process_hardening.hpp"

#include <cerrno>
#include <cstring>
#include <string>
#include <sys/resource.h>

#if defined(__linux__)
#include <sys/prctl.h>
#endif

namespace ssocred {

Status harden_process() {
    std::string failures;
    const rlimit no_core{0, 0};
    if (::setrlimit(RLIMIT_CORE, &no_core) != 0)
        failures += std::string("setrlimit(RLIMIT_CORE, 0): ") + std::strerror(errno) + "; ";
#if defined(__linux__)
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        failures += std::string("prctl(PR_SET_DUMPABLE, 0): ") + std::strerror(errno) + "; ";
#endif
    if (!failures.empty()) {
        failures.resize(failures.size() - 2);
        return Error::make(ErrorCode::Internal, "process hardening incomplete: " + failures);
    }
    return ok();
}

}  // namespace ssocred
