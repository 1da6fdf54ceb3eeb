// PT_DENY_ATTACH: later ptrace attaches are refused (platform/process_hardening.hpp).
#include <cerrno>
#include <sys/types.h>

// The SDK's <sys/ptrace.h>; the macOS compile check (zig's macOS libc headers) lacks it, so
// the one call and constant are declared as the SDK has them.
#if __has_include(<sys/ptrace.h>)
#include <sys/ptrace.h>
#else
extern "C" int ptrace(int request, pid_t pid, caddr_t addr, int data);
#define PT_DENY_ATTACH 31
#endif

#include "ssocred/errno_text.hpp"

#include "platform/process_hardening.hpp"

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
