// Capped exponential backoff with jitter, for retries of a failing upstream call (an SSO
// token renewal, a role's credentials).
//
// Delay n (n = 0, 1, …) is drawn uniformly from [d/2, d] with d = min(initial × 2^n, max)
// ("equal jitter"): the lower half keeps a minimum spacing (so a failing role costs at most
// one upstream call per period), the upper half spreads many callers - or many daemons -
// that failed together, so they do not retry together.
//
// The random engine is the caller's: the credential engine seeds its own for reproducible
// tests, and each owner already serialises access to it.
#pragma once

#include <algorithm>
#include <chrono>
#include <random>

namespace ssocred {

class Backoff {
  public:
    using Duration = std::chrono::milliseconds;

    Backoff(Duration initial = std::chrono::seconds(1), Duration max = std::chrono::minutes(5))
        : initial_(initial), max_(max) {}

    // The delay before the next attempt; advances the exponent.
    Duration next(std::mt19937_64& rng) {
        Duration d = initial_;
        for (unsigned i = 0; i < attempts_ && d < max_; ++i) d *= 2;  // no overflow: stops at max
        d = std::min(d, max_);
        if (attempts_ < 64) ++attempts_;
        const auto half = d.count() / 2;
        std::uniform_int_distribution<Duration::rep> pick(d.count() - half, d.count());
        return Duration(pick(rng));
    }
    void reset() noexcept { attempts_ = 0; }
    unsigned attempts() const noexcept { return attempts_; }

  private:
    Duration initial_;
    Duration max_;
    unsigned attempts_ = 0;
};

}  // namespace ssocred
