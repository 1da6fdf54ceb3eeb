// Capped exponential backoff with jitter for transient upstream failures: the n-th
// consecutive failure waits base·2^(n-1), capped, then scaled by a random factor in
// [0.5, 1.0] ("equal jitter") so many daemons that failed together do not retry together.
#pragma once

#include <algorithm>
#include <chrono>
#include <random>

namespace ssocred::sso {

class Backoff {
  public:
    explicit Backoff(std::chrono::seconds base = std::chrono::seconds(10),
                     std::chrono::seconds cap = std::chrono::seconds(600))
        : base_(base), cap_(cap) {}

    // The delay before the next attempt after one more failure.
    std::chrono::milliseconds next() {
        ++failures_;
        const int shift = std::min(failures_ - 1, 20);
        const auto raw = std::min<std::chrono::milliseconds>(base_ * (1LL << shift), cap_);
        std::uniform_real_distribution<double> dist(0.5, 1.0);
        return std::chrono::milliseconds(
            static_cast<long long>(static_cast<double>(raw.count()) * dist(rng_)));
    }
    void reset() { failures_ = 0; }
    int failures() const { return failures_; }

  private:
    std::chrono::milliseconds base_;
    std::chrono::milliseconds cap_;
    int failures_ = 0;
    std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace ssocred::sso
