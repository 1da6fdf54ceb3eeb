// Not dumpable: no core through a core_pattern pipe, no ptrace or /proc/<pid>/mem by
// processes of the same user (platform/process_hardening.hpp).
#include <cerrno>
#include <sys/prctl.h>

#include "ssocred/errno_text.hpp"

#include "platform/process_hardening.hpp"

namespace ssocred::platform {

const char* deny_debuggers(std::string& failures) {
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        const int err = errno;
        failures += "prctl(PR_SET_DUMPABLE, 0): " + errno_text(err) + "; ";
        return "";
    }
    return "PR_SET_DUMPABLE";
}

}  // namespace ssocred::platform
