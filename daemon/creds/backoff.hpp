// Capped exponential backoff with jitter, for retries of a failing upstream call.
//
// Delay n (n = 0, 1, …) is drawn uniformly from [d/2, d] with d = min(initial × 2^n, max):
// the lower half keeps a minimum spacing (so a failing role costs at most one upstream call
// per period), the upper half spreads many roles that failed together.
#pragma once

#include <chrono>
#include <random>

namespace ssocred {

class Backoff {
  public:
    using Duration = std::chrono::milliseconds;

    Backoff(Duration initial = std::chrono::seconds(1), Duration max = std::chrono::minutes(5))
        : initial_(initial), max_(max) {}

    // The delay before the next attempt; advances the exponent.
    Duration next(std::mt19937_64& rng);
    void reset() noexcept { attempts_ = 0; }
    unsigned attempts() const noexcept { return attempts_; }

  private:
    Duration initial_;
    Duration max_;
    unsigned attempts_ = 0;
};

}  // namespace ssocred
