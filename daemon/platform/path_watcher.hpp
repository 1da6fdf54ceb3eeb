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
// Linux: inotify. The daemon waits for native_handle() to become readable on its event loop
// (no polling) and then calls drain(). Not thread-safe: use it from the event-loop thread.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ssocred/expected.hpp"

#include "store/unique_fd.hpp"

namespace ssocred::platform {

class PathWatcher {
  public:
    // Errors: Io when the kernel refuses a watcher (descriptor or watch limits reached).
    static Expected<PathWatcher> create(std::filesystem::path file);

    PathWatcher(PathWatcher&&) noexcept = default;
    PathWatcher& operator=(PathWatcher&&) noexcept = default;

    // Non-blocking, close-on-exec; readable when drain() has events to read.
    int native_handle() const { return fd_.get(); }

    // Reads every pending event without blocking. True when the file may have changed: an
    // event named it or a link on its way, a watched directory moved or vanished, a missing
    // directory appeared, or events were lost. Watches are re-armed (links re-resolved)
    // whenever the answer is true.
    bool drain();

    // The directories watched now (tests check that links are followed).
    std::vector<std::filesystem::path> watched_directories() const;

  private:
    struct Watch {
        int wd = -1;
        std::filesystem::path directory;
        std::string name;  // the entry that matters in it; empty for an ancestor watch
    };

    PathWatcher(UniqueFd fd, std::filesystem::path file)
        : fd_(std::move(fd)), file_(std::move(file)) {}
    // Drops every watch and watches the path again, following links (up to 40, as the kernel).
    void arm();
    void add(const std::filesystem::path& directory, std::string name);

    UniqueFd fd_;
    std::filesystem::path file_;
    std::vector<Watch> watches_;
};

}  // namespace ssocred::platform
