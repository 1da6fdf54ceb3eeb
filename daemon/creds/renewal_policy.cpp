#include "creds/renewal_policy.hpp"

#include <algorithm>

namespace ssocred {

namespace {

using Duration = RenewalPolicy::Duration;

Duration fraction(Duration d, int num, int den) {
    return std::max(Duration::zero(), d * num / den);
}

}  // namespace

Duration RenewalPolicy::floor_for(Duration lifetime) const {
    return std::min<Duration>(serve_floor, fraction(lifetime, 5, 12));
}

Duration RenewalPolicy::lead_for(Duration lifetime) const {
    return std::min<Duration>(renew_lead, fraction(lifetime, 7, 12));
}

Duration RenewalPolicy::max_jitter_for(Duration lifetime) const {
    return std::min<Duration>(renew_jitter, fraction(lifetime, 1, 12));
}

bool RenewalPolicy::servable(SystemTime issued_at, SystemTime expiration, SystemTime now) const {
    if (expiration <= now) return false;  // never serve expired credentials
    return expiration - now >= floor_for(expiration - issued_at);
}

SystemTime RenewalPolicy::renew_at(SystemTime issued_at, SystemTime expiration, double unit) const {
    const Duration lifetime = expiration - issued_at;
    const auto jitter =
        std::chrono::duration_cast<Duration>(std::chrono::duration<double, Duration::period>(
            static_cast<double>(max_jitter_for(lifetime).count()) * std::clamp(unit, 0.0, 1.0)));
    return expiration - lead_for(lifetime) - jitter;
}

}  // namespace ssocred
