// FileLock: an exclusive flock(2) on a sidecar lock file, released by the destructor.
//
// Used around read-merge-write cycles on files other ssocred processes also write (the
// AWS CLI token cache). flock is advisory: the AWS CLI and the SDKs do not take it, which
// is why callers re-read and merge under the lock instead of trusting it to exclude them.
// The lock file itself is never deleted: unlinking a lock file while another process
// waits on it lets two processes hold "the" lock at once.
#pragma once

#include <chrono>
#include <filesystem>

#include "ssocred/expected.hpp"

#include "store/unique_fd.hpp"

namespace ssocred {

class FileLock {
  public:
    // Creates `lock_path` (0600) if needed and waits up to `timeout` for the lock.
    // A holder that does not let go within the timeout yields a Timeout error rather than
    // a hung caller.
    static Expected<FileLock> acquire(const std::filesystem::path& lock_path,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(5));

    FileLock(FileLock&&) noexcept = default;
    FileLock& operator=(FileLock&&) noexcept = default;
    ~FileLock();  // closing the descriptor releases the lock; explicit unlock for clarity

  private:
    explicit FileLock(UniqueFd fd) : fd_(std::move(fd)) {}
    UniqueFd fd_;
};

}  // namespace ssocred
