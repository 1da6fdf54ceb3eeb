#include "sso/sso_session.hpp"

#include <algorithm>

namespace ssocred::sso {

std::chrono::seconds refresh_window(std::chrono::seconds lifetime) {
    using namespace std::chrono_literals;
    return std::min<std::chrono::seconds>(std::max<std::chrono::seconds>(15min, lifetime / 3),
                                          lifetime / 2);
}

SystemTime compute_refresh_at(SystemTime issued, SystemTime expires, double jitter01) {
    using namespace std::chrono_literals;
    const auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(expires - issued);
    if (lifetime <= 0s) return issued;
    const auto window = refresh_window(lifetime);
    const auto max_jitter = std::min<std::chrono::seconds>(5min, window / 5);
    const auto jitter = std::chrono::milliseconds(static_cast<long long>(
        std::clamp(jitter01, 0.0, 1.0) * 1000.0 * static_cast<double>(max_jitter.count())));
    return expires - window - jitter;
}

bool token_usable(const TokenState& t, SystemTime now) {
    // A quarter of the lifetime when that is shorter than the margin, so short-lived tokens
    // (the emulator's, in tests) are usable at all instead of renewed on every call.
    std::chrono::system_clock::duration margin = kTokenSafetyMargin;
    if (t.issued_at != SystemTime{} && t.access_token_expires_at > t.issued_at)
        margin = std::min(margin, (t.access_token_expires_at - t.issued_at) / 4);
    return t.has_access_token() && !t.login_required && now + margin < t.access_token_expires_at;
}

bool token_refreshable(const TokenState& t, SystemTime now) {
    return !t.login_required && !t.refresh_token.empty() && t.registration &&
           !t.registration->client_id.empty() && t.registration->expires_at > now;
}

}  // namespace ssocred::sso
