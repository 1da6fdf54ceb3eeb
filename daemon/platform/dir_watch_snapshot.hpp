// What a DirWatch compares to tell what changed: lstat() of every watched directory and
// entry, taken at once. The polling watcher compares one snapshot with the next; the kqueue
// watcher does so when a directory event says "something in here changed" without saying
// what. Built on every OS (no layer suffix): lstat is POSIX.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "platform/dir_watch.hpp"

namespace ssocred::platform {

// An entry's identity and contents as far as stat tells them; equal states mean unchanged.
struct EntryState {
    bool exists = false;
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint32_t mode = 0;
    std::int64_t size = 0;
    std::int64_t modified_ns = 0;
    std::int64_t changed_ns = 0;  // ctime: a chmod, a new link count
    friend bool operator==(const EntryState&, const EntryState&) = default;
};

// lstat(): a symbolic link is an entry of its own (re-pointing it is a change), never followed.
EntryState entry_state(const std::filesystem::path& path);

// True when `path` is an existing directory (following links, as opening it would).
bool is_existing_directory(const std::filesystem::path& path);

// The nearest ancestor of a missing `directory` that exists; empty when none does.
std::filesystem::path nearest_existing_ancestor(const std::filesystem::path& directory);

// What every kind of DirWatch does to its findings before drain() hands them out: sorted,
// each entry once (one write can raise several events, or an event and a snapshot change).
void sort_and_deduplicate(std::vector<std::filesystem::path>& entries);

// The paths watched now, each once: one directory can be watched twice (as itself and as
// the ancestor standing in for another, missing one).
template <class Watches, class PathOf>
std::vector<std::filesystem::path> distinct_paths(const Watches& watches, PathOf path_of) {
    std::vector<std::filesystem::path> out;
    for (const auto& w : watches) {
        std::filesystem::path p = path_of(w);
        if (!p.empty() && std::find(out.begin(), out.end(), p) == out.end())
            out.push_back(std::move(p));
    }
    return out;
}

class DirSnapshot {
  public:
    static DirSnapshot take(const std::vector<WatchedDirectory>& directories);

    // What differs from `before` (taken of the same directories): a directory that appeared,
    // vanished or was replaced is `everything`; an entry whose state differs is listed.
    DirChanges changes_since(const DirSnapshot& before) const;

    // This snapshot with the states `previous` recorded for the directories and entries both
    // hold: what was watched before keeps its unreported changes across a new watch() (a
    // session added to the cache watcher must not hide another one's fresh token).
    DirSnapshot carried_over(const DirSnapshot& previous) const;

    // Each directory, or the ancestor that stands in for it while it is missing.
    std::vector<std::filesystem::path> watched_directories() const;

  private:
    struct Directory {
        std::filesystem::path path;
        EntryState state;  // of the directory itself (its identity: exists, device, inode)
        std::vector<std::pair<std::filesystem::path, EntryState>> entries;
    };
    std::vector<Directory> directories_;
};

}  // namespace ssocred::platform
