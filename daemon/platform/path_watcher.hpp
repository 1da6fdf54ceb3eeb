// PathWatcher: tells the daemon that one file may have changed - the user's AWS config -
// however the change was made: written in place (`echo >>`, most IDEs), written to a new
// file and renamed over it (vim, emacs, `aws configure`), created, deleted, or edited
// through a symbolic link into a dotfiles repository (the link's target changed, or the
// link itself was pointed elsewhere).
//
// It watches the *directory* of the path and of every link on the way to the real file,
// never the file itself: a file watch dies with the inode an editor renames away. While a
// directory is missing (no ~/.aws yet), its nearest existing ancestor is watched for it to
// appear. The file is never opened here; callers re-read it and decide what changed.
//
// It stands on platform::DirWatch (inotify on Linux, kqueue on macOS, polling elsewhere).
// The daemon waits for native_handle() to become readable on its event loop and then calls
// drain(). Not thread-safe: use it from the event-loop thread.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "ssocred/expected.hpp"

#include "platform/dir_watch.hpp"

namespace ssocred::platform {

class PathWatcher {
  public:
    // Errors: Io when the kernel refuses a watcher (descriptor or watch limits reached).
    static Expected<PathWatcher> create(std::filesystem::path file);
    // With a DirWatch of the caller's choice (tests: make_polling_dir_watch).
    static Expected<PathWatcher> create(std::filesystem::path file,
                                        Expected<std::unique_ptr<DirWatch>> watch);

    PathWatcher(PathWatcher&&) noexcept = default;
    PathWatcher& operator=(PathWatcher&&) noexcept = default;

    // Non-blocking, close-on-exec; readable when drain() has events to read.
    int native_handle() const { return watch_->native_handle(); }

    // Reads every pending event without blocking. True when the file may have changed: an
    // event named it or a link on its way, a watched directory moved or vanished, a missing
    // directory appeared, or events were lost. Links are re-resolved (and the directories
    // watched follow) whenever the answer is true.
    bool drain();

    // The directories watched now (tests check that links are followed).
    std::vector<std::filesystem::path> watched_directories() const;

  private:
    PathWatcher(std::unique_ptr<DirWatch> watch, std::filesystem::path file)
        : watch_(std::move(watch)), file_(std::move(file)) {}
    // Watches the path again, following links (up to 40, as the kernel).
    void arm();

    std::unique_ptr<DirWatch> watch_;
    std::filesystem::path file_;
};

}  // namespace ssocred::platform
