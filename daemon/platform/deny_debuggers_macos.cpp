// PT_DENY_ATTACH: later ptrace attaches are refused (platform/process_hardening.hpp).
#include <cerrno>
#include <sys/ptrace.h>
#include <sys/types.h>

#include "platform/process_hardening.hpp"
#include "store/errno_text.hpp"

namespace ssocred::platform {

const char* deny_debuggers(std::string& failures) {
    if (::ptrace(PT_DENY_ATTACH, 0, nullptr, 0) != 0) {
        const int err = errno;
        failures += "ptrace(PT_DENY_ATTACH): " + errno_text(err) + "; ";
        return "";
    }
    return "PT_DENY_ATTACH";
}

}  // namespace ssocred::platform
