// DirWatch: the OS's way of hearing that files changed, for the watchers built on it
// (platform::PathWatcher for the AWS config, AwsCliCacheWatcher for the token cache).
//
// Files are watched through their *directories*, never on their own: a watch on a file dies
// with the inode an editor or `aws sso login` renames away. A watched entry counts as changed
// when it is written in place, renamed over, created, deleted, or its mode changes. While a
// directory is missing, its nearest existing ancestor is watched until it appears.
//
// The contract every implementation keeps: native_handle() becomes readable when drain() may
// have news, so the daemon waits for it on its event loop (posix::stream_descriptor on a dup)
// and then calls drain(). Not thread-safe: use it from one thread (the loop's).
//
// Implementations (one chosen per build, dir_watch_<layer>.cpp):
//   linux:   inotify on each directory;
//   macos:   kqueue EVFILT_VNODE on each directory and on each watched entry that exists
//            (a directory's NOTE_WRITE does not fire for a file written in place);
//   generic: make_polling_dir_watch(): a thread that lstat()s the entries every second and
//            makes a pipe readable when one changed.
// The polling one is built on every OS (generic_dir_watch.cpp has no layer suffix) so that
// the unit tests run it beside the native one, and a test can pick it with a short interval.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ssocred/expected.hpp"

namespace ssocred::platform {

// One directory and the entries in it that matter (none: only the directory itself).
struct WatchedDirectory {
    std::filesystem::path path;
    std::vector<std::string> entries;
};

// What drain() found since the last call.
struct DirChanges {
    // Watched entries (directory / name) written, replaced, created, deleted or re-moded.
    std::vector<std::filesystem::path> entries;
    // A watched directory appeared, vanished or moved, or events were lost: any watched entry
    // may have changed. The watches follow by themselves (a vanished directory is waited for
    // in its ancestor again).
    bool everything = false;

    bool any() const { return everything || !entries.empty(); }
};

class DirWatch {
  public:
    virtual ~DirWatch() = default;

    // Non-blocking, close-on-exec; readable when drain() may have something.
    virtual int native_handle() const = 0;

    // Replaces everything watched. Entries watched before keep what is pending for them;
    // new ones are watched from their state now on.
    virtual void watch(std::vector<WatchedDirectory> directories) = 0;

    // Reads what is pending without blocking.
    virtual DirChanges drain() = 0;

    // The directories watched now: each one, or while it is missing the ancestor watched for
    // it (tests check that links are followed and missing directories waited for).
    virtual std::vector<std::filesystem::path> watched_directories() const = 0;
};

// The OS's own kind (dir_watch_<layer>.cpp). Errors: Io when the kernel refuses (descriptor
// or watch limits reached).
Expected<std::unique_ptr<DirWatch>> make_dir_watch();

// The portable kind: lstat() of every watched entry and directory each `interval` on a thread
// of its own. Errors: Io when no pipe or thread can be had.
Expected<std::unique_ptr<DirWatch>> make_polling_dir_watch(
    std::chrono::milliseconds interval = std::chrono::seconds(1));

}  // namespace ssocred::platform
