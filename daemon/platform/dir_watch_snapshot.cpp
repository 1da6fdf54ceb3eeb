#include "platform/dir_watch_snapshot.hpp"

#include <algorithm>
#include <sys/stat.h>

namespace ssocred::platform {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

// POSIX names the nanosecond timestamps st_mtim/st_ctim; macOS names them st_mtimespec and
// st_ctimespec. The requires-expressions pick whichever the platform's struct stat has, and
// whole seconds where it has neither.
template <class Stat>
std::int64_t modified_ns(const Stat& st) {
    if constexpr (requires { st.st_mtim.tv_nsec; })
        return static_cast<std::int64_t>(st.st_mtim.tv_sec) * kNanosPerSecond + st.st_mtim.tv_nsec;
    else if constexpr (requires { st.st_mtimespec.tv_nsec; })
        return static_cast<std::int64_t>(st.st_mtimespec.tv_sec) * kNanosPerSecond +
               st.st_mtimespec.tv_nsec;
    else
        return static_cast<std::int64_t>(st.st_mtime) * kNanosPerSecond;
}

template <class Stat>
std::int64_t changed_ns(const Stat& st) {
    if constexpr (requires { st.st_ctim.tv_nsec; })
        return static_cast<std::int64_t>(st.st_ctim.tv_sec) * kNanosPerSecond + st.st_ctim.tv_nsec;
    else if constexpr (requires { st.st_ctimespec.tv_nsec; })
        return static_cast<std::int64_t>(st.st_ctimespec.tv_sec) * kNanosPerSecond +
               st.st_ctimespec.tv_nsec;
    else
        return static_cast<std::int64_t>(st.st_ctime) * kNanosPerSecond;
}

EntryState state_of(const struct stat& st) {
    EntryState s;
    s.exists = true;
    s.device = static_cast<std::uint64_t>(st.st_dev);
    s.inode = static_cast<std::uint64_t>(st.st_ino);
    s.mode = static_cast<std::uint32_t>(st.st_mode);
    s.size = static_cast<std::int64_t>(st.st_size);
    s.modified_ns = modified_ns(st);
    s.changed_ns = changed_ns(st);
    return s;
}

// A directory counts by its identity only: entries coming and going change its times.
EntryState directory_state(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return {};
    EntryState s;
    s.exists = true;
    s.device = static_cast<std::uint64_t>(st.st_dev);
    s.inode = static_cast<std::uint64_t>(st.st_ino);
    return s;
}

}  // namespace

EntryState entry_state(const fs::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return {};
    return state_of(st);
}

bool is_existing_directory(const fs::path& path) {
    return directory_state(path).exists;
}

fs::path nearest_existing_ancestor(const fs::path& directory) {
    for (auto p = directory.parent_path(); !p.empty(); p = p.parent_path()) {
        if (is_existing_directory(p)) return p;
        if (p == p.root_path()) break;
    }
    return {};
}

DirSnapshot DirSnapshot::take(const std::vector<WatchedDirectory>& directories) {
    DirSnapshot snap;
    for (const auto& d : directories) {
        Directory dir{d.path, directory_state(d.path), {}};
        for (const auto& name : d.entries) {
            auto path = d.path / name;
            // A missing directory's entries are missing too; no need to ask.
            dir.entries.emplace_back(path, dir.state.exists ? entry_state(path) : EntryState{});
        }
        snap.directories_.push_back(std::move(dir));
    }
    return snap;
}

DirChanges DirSnapshot::changes_since(const DirSnapshot& before) const {
    DirChanges changes;
    for (std::size_t i = 0; i < directories_.size(); ++i) {
        const auto& now = directories_[i];
        if (i >= before.directories_.size() || before.directories_[i].path != now.path ||
            before.directories_[i].state != now.state) {
            changes.everything = true;
            continue;
        }
        const auto& then = before.directories_[i];
        for (std::size_t j = 0; j < now.entries.size(); ++j) {
            if (j < then.entries.size() && then.entries[j] == now.entries[j]) continue;
            changes.entries.push_back(now.entries[j].first);
        }
    }
    return changes;
}

DirSnapshot DirSnapshot::carried_over(const DirSnapshot& previous) const {
    DirSnapshot out = *this;
    for (auto& dir : out.directories_) {
        const auto old = std::find_if(previous.directories_.begin(), previous.directories_.end(),
                                      [&](const Directory& d) { return d.path == dir.path; });
        if (old == previous.directories_.end()) continue;
        dir.state = old->state;
        for (auto& entry : dir.entries) {
            for (const auto& [path, state] : old->entries)
                if (path == entry.first) entry.second = state;
        }
    }
    return out;
}

std::vector<fs::path> DirSnapshot::watched_directories() const {
    return distinct_paths(directories_, [](const Directory& d) {
        return d.state.exists ? d.path : nearest_existing_ancestor(d.path);
    });
}

void sort_and_deduplicate(std::vector<fs::path>& entries) {
    std::sort(entries.begin(), entries.end());
    entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
}

}  // namespace ssocred::platform
