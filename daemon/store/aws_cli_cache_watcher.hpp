// AwsCliCacheWatcher: tells the daemon when another tool changed the token file of a
// session it serves (an `aws sso login` in a terminal, an SDK refresh), so it can re-read
// the file instead of discovering a stale refresh token at the next renewal.
//
// inotify on the cache directory: IN_CLOSE_WRITE (in-place writers: JS, Rust), IN_MOVED_TO
// (rename-into-place writers: botocore/CLI, Go, ssocred) and IN_DELETE (`aws sso logout`).
// No polling: the daemon waits for the descriptor to become readable on its event loop and
// then calls drain():
//
//     boost::asio::posix::stream_descriptor sd(io, ::dup(watcher.native_handle()));
//     // stream_descriptor closes what it owns, hence the dup.
//     std::function<void(boost::system::error_code)> on_ready = [&](auto ec) {
//         if (ec) return;
//         for (const auto& session : watcher.drain()) reload(session);
//         sd.async_wait(boost::asio::posix::stream_descriptor::wait_read, on_ready);
//     };
//     sd.async_wait(boost::asio::posix::stream_descriptor::wait_read, on_ready);
//
// When the cache directory does not exist yet (nobody has logged in), the nearest existing
// ancestor is watched for its creation; the directory itself is never created here. Our
// own writes are reported too: callers compare what they read with what they hold.
//
// Not thread-safe: use it from the event-loop thread.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ssocred/expected.hpp"

#include "store/unique_fd.hpp"

namespace ssocred {

class AwsCliCacheWatcher {
  public:
    // Errors: Io when inotify is unavailable (fd or watch limits reached).
    static Expected<AwsCliCacheWatcher> create(std::filesystem::path cache_dir);

    AwsCliCacheWatcher(AwsCliCacheWatcher&&) noexcept = default;
    AwsCliCacheWatcher& operator=(AwsCliCacheWatcher&&) noexcept = default;

    // The inotify descriptor (non-blocking, close-on-exec); readable when drain() has work.
    int native_handle() const { return fd_.get(); }

    // Sessions (sso-session names or legacy start URLs) whose token files matter.
    void watch_session(const std::string& session);
    void unwatch_session(const std::string& session);

    // Reads every pending event without blocking and returns the sessions whose token file
    // was written, replaced or deleted - each once, in no particular order. After an event
    // queue overflow, or when the cache directory has just appeared, every watched session
    // is returned (something may have been missed).
    std::vector<std::string> drain();

    // True while the cache directory itself is watched (false while waiting for it to appear).
    bool watching_cache_dir() const { return dir_wd_ >= 0; }

  private:
    AwsCliCacheWatcher(UniqueFd fd, std::filesystem::path dir)
        : fd_(std::move(fd)), dir_(std::move(dir)) {}
    // (Re-)establishes the directory watch, or the ancestor watch while it is missing.
    // Returns true when the directory watch was newly established.
    bool arm();
    void drop_ancestor_watch();

    UniqueFd fd_;
    std::filesystem::path dir_;
    int dir_wd_ = -1;
    int ancestor_wd_ = -1;
    std::map<std::string, std::string> sessions_by_file_;  // "<sha1>.json" -> session
};

}  // namespace ssocred
