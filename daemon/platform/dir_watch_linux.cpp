// DirWatch on Linux: inotify on each watched directory; a missing directory's nearest
// existing ancestor is watched for entries appearing until it exists.
#include <algorithm>
#include <cerrno>
#include <map>
#include <set>
#include <sys/inotify.h>
#include <unistd.h>
#include <utility>

#include "ssocred/errno_text.hpp"

#include "platform/dir_watch.hpp"
#include "platform/dir_watch_snapshot.hpp"
#include "store/unique_fd.hpp"

namespace ssocred::platform {
namespace {

namespace fs = std::filesystem;

// Everything that can replace, change or remove an entry, plus the directory's own end.
// IN_MASK_ADD: one inode may be watched twice (as a directory and as another one's
// ancestor), and a second inotify_add_watch would otherwise replace the first one's mask.
constexpr std::uint32_t kDirMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE |
                                   IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF |
                                   IN_ONLYDIR | IN_MASK_ADD;
// While a directory is missing: any new entry in the ancestor may be (a parent of) it.
constexpr std::uint32_t kAncestorMask =
    IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_MASK_ADD;

class InotifyDirWatch final : public DirWatch {
  public:
    explicit InotifyDirWatch(UniqueFd fd) : fd_(std::move(fd)) {}

    int native_handle() const override { return fd_.get(); }

    void watch(std::vector<WatchedDirectory> directories) override {
        wanted_.clear();
        for (auto& d : directories) wanted_[d.path].insert(d.entries.begin(), d.entries.end());
        // A directory that appeared while its ancestor stood in for it: the ancestor's events
        // are still queued (the descriptor stays readable), so drain() reports it.
        if (sync(false)) appeared_ = true;
    }

    DirChanges drain() override {
        DirChanges changes;
        changes.everything = std::exchange(appeared_, false);
        bool rearm = false;    // an ancestor saw a new entry: a missing directory may exist
        bool rebuild = false;  // a watched directory went: its path may name another now
        alignas(inotify_event) char buf[16 * 1024];
        for (;;) {
            const ssize_t n = ::read(fd_.get(), buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;  // EAGAIN: nothing more queued
            for (ssize_t off = 0; off < n;) {
                const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
                off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
                if ((ev->mask & IN_Q_OVERFLOW) != 0) {
                    changes.everything = true;
                    rebuild = true;  // what was lost may have been a directory's end
                    continue;
                }
                // ev->name is NUL-padded to ev->len; compare it as a C string.
                const std::string_view name = ev->len > 0 ? std::string_view(ev->name) : "";
                for (const auto& w : watches_) {
                    if (w.wd != ev->wd) continue;
                    if (w.ancestor) {
                        rearm = true;
                    } else if ((ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) != 0) {
                        rebuild = true;  // its entries went with it
                        changes.everything = true;
                    } else if (!name.empty() && w.entries.count(std::string(name)) > 0) {
                        changes.entries.push_back(w.directory / name);
                    }
                }
            }
        }
        // A directory that exists now and did not when it was last armed: its entries may
        // predate the watch.
        if ((rebuild || rearm) && sync(rebuild)) changes.everything = true;
        sort_and_deduplicate(changes.entries);
        return changes;
    }

    std::vector<fs::path> watched_directories() const override {
        return distinct_paths(watches_, [](const Watch& w) { return w.directory; });
    }

  private:
    struct Watch {
        int wd = -1;
        fs::path directory;
        std::set<std::string> entries;
        bool ancestor = false;  // stands in for a missing directory
    };

    // Brings the watches in line with wanted_. A directory watched already keeps its watch
    // (and the events queued on it) unless `rebuild`: after a directory moved or vanished its
    // path may name another inode, so every watch is made anew. True when a directory is
    // watched now that was missing before.
    bool sync(bool rebuild) {
        std::vector<Watch> old = std::move(watches_);
        watches_.clear();
        std::set<fs::path> watched_before;
        for (auto& w : old) {
            if (w.ancestor) continue;
            watched_before.insert(w.directory);
            const auto wanted = wanted_.find(w.directory);
            if (rebuild || wanted == wanted_.end()) continue;
            w.entries = wanted->second;
            watches_.push_back(std::move(w));
            w.wd = -1;  // kept: not to be removed below
        }
        // One inode watched twice has one wd: never remove one that a kept watch uses.
        for (const auto& w : old) {
            if (w.wd < 0) continue;
            const bool kept = std::any_of(watches_.begin(), watches_.end(),
                                          [&](const Watch& k) { return k.wd == w.wd; });
            if (!kept) ::inotify_rm_watch(fd_.get(), w.wd);
        }
        bool appeared = false;
        for (const auto& want : wanted_) {
            const fs::path& path = want.first;
            const bool kept = std::any_of(watches_.begin(), watches_.end(), [&](const Watch& k) {
                return !k.ancestor && k.directory == path;
            });
            if (kept) continue;
            if (add(path, want.second) && armed_once_ && watched_before.count(path) == 0)
                appeared = true;
        }
        armed_once_ = true;
        return appeared;
    }

    // True when the directory itself is watched; false when an ancestor stands in for it.
    bool add(const fs::path& directory, const std::set<std::string>& entries) {
        if (const int wd = ::inotify_add_watch(fd_.get(), directory.c_str(), kDirMask); wd >= 0) {
            watches_.push_back({wd, directory, entries, false});
            return true;
        }
        // Missing (or not a directory yet): wait for it in the nearest existing ancestor.
        const fs::path ancestor = nearest_existing_ancestor(directory);
        if (!ancestor.empty()) {
            const int awd = ::inotify_add_watch(fd_.get(), ancestor.c_str(), kAncestorMask);
            if (awd >= 0) watches_.push_back({awd, ancestor, {}, true});
        }
        // It may have appeared between the failed watch and the ancestor's.
        if (const int wd = ::inotify_add_watch(fd_.get(), directory.c_str(), kDirMask); wd >= 0) {
            watches_.push_back({wd, directory, entries, false});
            return true;
        }
        return false;
    }

    UniqueFd fd_;
    std::map<fs::path, std::set<std::string>> wanted_;
    std::vector<Watch> watches_;
    bool armed_once_ = false;
    bool appeared_ = false;  // found by watch(), reported by the next drain()
};

}  // namespace

Expected<std::unique_ptr<DirWatch>> make_dir_watch() {
    UniqueFd fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (!fd.valid()) {
        const int err = errno;
        return Error::make(ErrorCode::Io, "cannot watch files (inotify): " + errno_text(err));
    }
    return std::unique_ptr<DirWatch>(std::make_unique<InotifyDirWatch>(std::move(fd)));
}

}  // namespace ssocred::platform
