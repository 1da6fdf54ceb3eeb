// Renewal policy: when cached credentials may be served and when they are renewed.
//
// Pure functions of the credentials' lifetime (expiration − issued_at, as received by the
// daemon), so the same rule covers 12-hour role sessions and the emulator's 60-second ones.
// The numbers and their reasons are in docs/renewal.md (PROTOCOLS.md §8.2).
#pragma once

#include <chrono>
#include <random>

#include "ssocred/time.hpp"

namespace ssocred {

struct RenewalPolicy {
    // Serve only with at least min(serve_floor, lifetime × 5/12) left.
    std::chrono::seconds serve_floor{std::chrono::minutes(25)};
    // Renew at min(renew_lead, lifetime × 7/12) + jitter before expiration; > floor so fresh
    // credentials are in place before the floor is reached.
    std::chrono::seconds renew_lead{std::chrono::minutes(35)};
    // Jitter up to min(renew_jitter, lifetime / 12), subtracted (renewal only gets earlier).
    std::chrono::seconds renew_jitter{std::chrono::minutes(5)};

    using Duration = std::chrono::system_clock::duration;

    Duration floor_for(Duration lifetime) const;
    Duration lead_for(Duration lifetime) const;
    Duration max_jitter_for(Duration lifetime) const;

    // True while `now` leaves at least the floor before `expiration`.
    bool servable(SystemTime issued_at, SystemTime expiration, SystemTime now) const;
    // When to start renewing; `unit` in [0,1) picks the jitter.
    SystemTime renew_at(SystemTime issued_at, SystemTime expiration, double unit) const;
};

}  // namespace ssocred
