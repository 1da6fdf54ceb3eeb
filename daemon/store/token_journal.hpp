// TokenJournal: an append-only file of one-line records, for state whose every change must
// survive the daemon being killed (kill -9) but that should not pay two fsyncs per change
// on a reply path: the endpoint-token registry's mints (serve/endpoint_tokens.hpp).
//
// A record is appended with one write(2) on an O_APPEND descriptor before the caller
// answers: from then on it is the kernel's, so a killed daemon loses nothing. It reaches the
// device when sync() runs (fdatasync), which the caller may leave to a worker: only a power
// loss or a kernel crash before that can lose the last records, and a record torn by one is
// a line that does not parse, which readers skip. The owner folds the records into its
// atomically written file now and then and clears the journal (docs/storage.md).
#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ssocred/expected.hpp"

#include "store/unique_fd.hpp"

namespace ssocred {

class TokenJournal {
  public:
    // Opens `path` for appending, creating it (0600, its directory entry synced) when missing.
    static Expected<std::shared_ptr<TokenJournal>> open(const std::filesystem::path& path);
    // The lines of the journal at `path` (none when it is missing), the last one only when it
    // ends with a newline (else it was torn). Larger than max_bytes: an Invalid error.
    static Expected<std::vector<std::string>> read_lines(const std::filesystem::path& path,
                                                         std::size_t max_bytes);

    explicit TokenJournal(UniqueFd fd) : fd_(std::move(fd)) {}

    // Appends `record` and a newline in one write; the record must hold no newline.
    Status append(std::string_view record);
    // fdatasync, when anything was appended since the last one. Any thread.
    Status sync();
    // Empties the journal (its records are folded elsewhere). Not synced: the owner's file
    // says which records it holds, so a clear lost to a crash only leaves records it skips.
    Status clear();
    // Records appended since the journal was opened or cleared.
    std::size_t records() const { return records_.load(); }
    bool dirty() const { return dirty_.load(); }

  private:
    UniqueFd fd_;
    std::atomic<bool> dirty_{false};
    std::atomic<std::size_t> records_{0};
};

}  // namespace ssocred
