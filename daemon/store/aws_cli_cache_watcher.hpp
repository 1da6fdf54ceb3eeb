// AwsCliCacheWatcher: tells the daemon when another tool changed the token file of a
// session it serves (an `aws sso login` in a terminal, an SDK refresh), so it can re-read
// the file instead of discovering a stale refresh token at the next renewal.
//
// A platform::DirWatch on the cache directory (inotify on Linux, kqueue on macOS, polling
// elsewhere) sees in-place writers (JS, Rust), rename-into-place writers (botocore/CLI, Go,
// ssocred) and deletions (`aws sso logout`). The daemon waits for the descriptor to become
// readable on its event loop and then calls drain():
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
#include <memory>
#include <string>
#include <vector>

#include "ssocred/expected.hpp"

#include "platform/dir_watch.hpp"

namespace ssocred {

class AwsCliCacheWatcher {
  public:
    // Errors: Io when the OS refuses a watch (descriptor or watch limits reached).
    static Expected<AwsCliCacheWatcher> create(std::filesystem::path cache_dir);
    // With a DirWatch of the caller's choice (tests: platform::make_polling_dir_watch).
    static Expected<AwsCliCacheWatcher> create(std::filesystem::path cache_dir,
                                               Expected<std::unique_ptr<platform::DirWatch>> watch);

    AwsCliCacheWatcher(AwsCliCacheWatcher&&) noexcept = default;
    AwsCliCacheWatcher& operator=(AwsCliCacheWatcher&&) noexcept = default;

    // Non-blocking, close-on-exec; readable when drain() has work.
    int native_handle() const { return watch_->native_handle(); }

    // Sessions (sso-session names or legacy start URLs) whose token files matter.
    void watch_session(const std::string& session);
    void unwatch_session(const std::string& session);

    // Reads every pending event without blocking and returns the sessions whose token file
    // was written, replaced or deleted - each once, in no particular order. After lost
    // events, or when the cache directory has just appeared or vanished, every watched
    // session is returned (something may have been missed).
    std::vector<std::string> drain();

    // True while the cache directory itself is watched (false while waiting for it to appear).
    bool watching_cache_dir() const;

  private:
    AwsCliCacheWatcher(std::unique_ptr<platform::DirWatch> watch, std::filesystem::path dir)
        : watch_(std::move(watch)), dir_(std::move(dir)) {}
    // Tells the DirWatch which token files matter now.
    void arm();

    std::unique_ptr<platform::DirWatch> watch_;
    std::filesystem::path dir_;
    std::map<std::string, std::string> sessions_by_file_;  // "<sha1>.json" -> session
};

}  // namespace ssocred
