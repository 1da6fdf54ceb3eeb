#include <spdlog/sinks/systemd_sink.h>

#include "platform/log_sink.hpp"

namespace ssocred::platform {

std::shared_ptr<spdlog::sinks::sink> journal_sink() {
    // Formatting on, so that the message goes through the caller's formatter (escaping).
    return std::make_shared<spdlog::sinks::systemd_sink_mt>("ssocredd", true);
}

bool has_journal_sink() noexcept {
    return true;
}

}  // namespace ssocred::platform
