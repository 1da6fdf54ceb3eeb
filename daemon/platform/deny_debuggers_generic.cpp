// The portable build knows no portable way to refuse a debugger of the same user: only the
// POSIX limits of harden_process() apply (platform/process_hardening.hpp).
#include "platform/process_hardening.hpp"

namespace ssocred::platform {

const char* deny_debuggers(std::string&) {
    return "";
}

}  // namespace ssocred::platform
