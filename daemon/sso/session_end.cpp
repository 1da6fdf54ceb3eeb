#include "sso/session_end.hpp"

namespace ssocred::sso {

const char* to_string(SessionLengthSource source) {
    return source == SessionLengthSource::Configured ? "configured" : "learned";
}

SessionEnd predict_session_end(std::optional<SystemTime> started,
                               std::optional<std::chrono::seconds> configured,
                               std::optional<std::chrono::seconds> learned) {
    SessionEnd out;
    if (configured) {
        out.length = configured;
        out.source = SessionLengthSource::Configured;
    } else if (learned) {
        out.length = learned;
        out.source = SessionLengthSource::Learned;
    }
    if (started && out.length) out.ends_at = *started + *out.length;
    return out;
}

std::optional<std::chrono::seconds> learn_session_length(std::optional<SystemTime> started,
                                                         SystemTime refused_at) {
    if (!started || refused_at <= *started) return std::nullopt;
    const auto length = std::chrono::duration_cast<std::chrono::seconds>(refused_at - *started);
    if (length.count() <= 0) return std::nullopt;
    return length;
}

std::optional<SystemTime> ends_soon_notice_at(SystemTime ends_at, std::chrono::seconds lead,
                                              SystemTime now) {
    if (now >= ends_at) return std::nullopt;
    const SystemTime at = ends_at - lead;
    return at > now ? at : now;
}

}  // namespace ssocred::sso
