#include "platform/service_manager.hpp"

#include <cstdlib>
#include <string_view>

namespace ssocred::platform {

StartedBy detect_started_by() {
    const char* cli = std::getenv("SSOCRED_STARTED_BY");
    const bool by_cli = cli != nullptr && std::string_view(cli) == "ssocred";
    ::unsetenv("SSOCRED_STARTED_BY");
    // The CLI's marker first: the command that started us may itself run under a manager
    // (it drops INVOCATION_ID, but an older one might not).
    if (by_cli) return StartedBy::Cli;
    if (std::getenv("INVOCATION_ID") != nullptr) return StartedBy::Systemd;
    const char* xpc = std::getenv("XPC_SERVICE_NAME");
    if (xpc != nullptr && *xpc != '\0' && std::string_view(xpc) != "0") return StartedBy::Launchd;
    return StartedBy::Hand;
}

std::string_view to_string(StartedBy who) noexcept {
    switch (who) {
        case StartedBy::Systemd:
            return "systemd";
        case StartedBy::Launchd:
            return "launchd";
        case StartedBy::Cli:
            return "ssocred";
        case StartedBy::Hand:
            return "manual";
    }
    return "manual";
}

}  // namespace ssocred::platform
