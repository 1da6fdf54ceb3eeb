#include "platform/log_sink.hpp"

namespace ssocred::platform {

std::shared_ptr<spdlog::sinks::sink> journal_sink() {
    return nullptr;  // no libsystemd: stderr it is
}

bool has_journal_sink() noexcept {
    return false;
}

}  // namespace ssocred::platform
