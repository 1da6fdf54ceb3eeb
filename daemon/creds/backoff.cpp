#include "creds/backoff.hpp"

#include <algorithm>

namespace ssocred {

Backoff::Duration Backoff::next(std::mt19937_64& rng) {
    Duration d = initial_;
    for (unsigned i = 0; i < attempts_ && d < max_; ++i) d *= 2;  // no overflow: stops at max
    d = std::min(d, max_);
    if (attempts_ < 64) ++attempts_;
    const auto half = d.count() / 2;
    std::uniform_int_distribution<Duration::rep> pick(d.count() - half, d.count());
    return Duration(pick(rng));
}

}  // namespace ssocred
