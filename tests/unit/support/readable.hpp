// Waits up to `ms` for a descriptor to become readable: how the platform tests see a watch
// (a pidfd, a timerfd, a generic watch's pipe) fire. One definition, so test files of a
// folder can share a unity batch.
#pragma once

#include <poll.h>

namespace ssocred::testing {

inline bool readable_within(int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, ms) > 0;
}

}  // namespace ssocred::testing
