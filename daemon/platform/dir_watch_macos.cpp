// DirWatch on macOS: kqueue EVFILT_VNODE. Each watched directory is opened (O_EVTONLY: it
// does not keep a volume from unmounting) for NOTE_WRITE (an entry added, removed or renamed)
// and its own deletion or move; each watched entry that exists is opened too, because a
// file written in place changes nothing in its directory. A missing directory's nearest
// existing ancestor is watched instead until it appears.
//
// A vnode event says that something changed, not what: after any event the watches are
// opened again (a renamed-over entry is a new inode) and then a DirSnapshot is compared with
// the previous one. Opening before looking means a change after the look raises an event
// and a change before it shows in the comparison; none falls in between.
//
// The kqueue descriptor is what becomes readable (kqueues nest: the daemon's loop, itself a
// kqueue under Asio on macOS, waits on it like on a socket).
#include <cerrno>
#include <cstdint>
#include <fcntl.h>
#include <sys/event.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#include "ssocred/errno_text.hpp"

#include "platform/dir_watch.hpp"
#include "platform/dir_watch_snapshot.hpp"
#include "store/unique_fd.hpp"

namespace ssocred::platform {
namespace {

namespace fs = std::filesystem;

// The identifier of the EVFILT_USER event that wake() triggers.
constexpr std::uintptr_t kUserEvent = 1;

constexpr std::uint32_t kGoneFlags = NOTE_DELETE | NOTE_RENAME | NOTE_REVOKE;
constexpr std::uint32_t kDirFlags = NOTE_WRITE | NOTE_LINK | kGoneFlags;
constexpr std::uint32_t kEntryFlags = NOTE_WRITE | NOTE_EXTEND | NOTE_ATTRIB | kGoneFlags;

class KqueueDirWatch final : public DirWatch {
  public:
    explicit KqueueDirWatch(UniqueFd kq) : kq_(std::move(kq)) {}

    int native_handle() const override { return kq_.get(); }

    void watch(std::vector<WatchedDirectory> directories) override {
        wanted_ = std::move(directories);
        arm();  // closing the old descriptors drops their queued events: the snapshot keeps them
        auto now = DirSnapshot::take(wanted_);
        last_ = now.carried_over(last_);
        if (now.changes_since(last_).any()) wake();
    }

    DirChanges drain() override {
        DirChanges changes;
        bool any_event = false;
        std::vector<fs::path> touched;  // entries with an event of their own
        const timespec no_wait{0, 0};
        struct kevent events[32];
        for (;;) {
            const int n = ::kevent(kq_.get(), nullptr, 0, events, 32, &no_wait);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            for (int i = 0; i < n; ++i) {
                if (events[i].filter == EVFILT_USER) {
                    any_event = true;  // wake(): compare the snapshots
                    continue;
                }
                const auto index = reinterpret_cast<std::uintptr_t>(events[i].udata);
                if (index >= opened_.size()) continue;
                any_event = true;
                const auto& o = opened_[index];
                if (o.kind == Kind::Entry) touched.push_back(o.path);
                if (o.kind == Kind::Directory && (events[i].fflags & kGoneFlags) != 0)
                    changes.everything = true;
            }
            if (n < 32) break;
        }
        if (!any_event) return changes;
        arm();
        auto now = DirSnapshot::take(wanted_);
        auto seen = now.changes_since(last_);
        last_ = std::move(now);
        changes.everything = changes.everything || seen.everything;
        changes.entries = std::move(seen.entries);
        changes.entries.insert(changes.entries.end(), touched.begin(), touched.end());
        sort_and_deduplicate(changes.entries);
        return changes;
    }

    std::vector<fs::path> watched_directories() const override {
        // Entries are opened too, but only directories (and their stand-ins) are listed.
        return distinct_paths(
            opened_, [](const Opened& o) { return o.kind == Kind::Entry ? fs::path() : o.path; });
    }

  private:
    enum class Kind { Directory, Entry, Ancestor };
    struct Opened {
        UniqueFd fd;
        fs::path path;
        Kind kind;
    };

    // Makes the kqueue readable (kUserEvent, registered by make_dir_watch) so that the next
    // drain() compares the snapshots.
    void wake() {
        struct kevent trigger {};
        trigger.ident = kUserEvent;
        trigger.filter = EVFILT_USER;
        trigger.fflags = NOTE_TRIGGER;
        ::kevent(kq_.get(), &trigger, 1, nullptr, 0, nullptr);
    }

    // Closing a descriptor drops its events from the kqueue, queued ones included.
    void arm() {
        opened_.clear();
        for (const auto& d : wanted_) {
            if (!open_and_watch(d.path, Kind::Directory, kDirFlags)) {
                const fs::path ancestor = nearest_existing_ancestor(d.path);
                if (!ancestor.empty()) open_and_watch(ancestor, Kind::Ancestor, kDirFlags);
                continue;
            }
            for (const auto& name : d.entries)
                open_and_watch(d.path / name, Kind::Entry, kEntryFlags);  // missing: skipped
        }
    }

    bool open_and_watch(const fs::path& path, Kind kind, std::uint32_t fflags) {
        // O_NOFOLLOW: a symbolic link is an entry of its own, re-pointed by replacing it (its
        // directory tells); its target is watched when it matters (PathWatcher lists it).
        int flags = O_EVTONLY | O_CLOEXEC | O_NONBLOCK;
        flags |= kind == Kind::Entry ? O_NOFOLLOW : O_DIRECTORY;
        UniqueFd fd(::open(path.c_str(), flags));
        if (!fd.valid()) return false;
        struct kevent change {};
        change.ident = static_cast<std::uintptr_t>(fd.get());
        change.filter = EVFILT_VNODE;
        change.flags = EV_ADD | EV_CLEAR;
        change.fflags = fflags;
        change.udata = reinterpret_cast<void*>(static_cast<std::uintptr_t>(opened_.size()));
        if (::kevent(kq_.get(), &change, 1, nullptr, 0, nullptr) != 0) return false;
        opened_.push_back({std::move(fd), path, kind});
        return true;
    }

    UniqueFd kq_;
    std::vector<WatchedDirectory> wanted_;
    std::vector<Opened> opened_;  // an event's udata is its index here
    DirSnapshot last_;
};

}  // namespace

Expected<std::unique_ptr<DirWatch>> make_dir_watch() {
    UniqueFd kq(::kqueue());
    if (!kq.valid()) {
        const int err = errno;
        return Error::make(ErrorCode::Io, "cannot watch files (kqueue): " + errno_text(err));
    }
    // A kqueue is never inherited by a child, but its descriptor number would be.
    ::fcntl(kq.get(), F_SETFD, FD_CLOEXEC);
    struct kevent user {};
    user.ident = kUserEvent;
    user.filter = EVFILT_USER;
    user.flags = EV_ADD | EV_CLEAR;
    if (::kevent(kq.get(), &user, 1, nullptr, 0, nullptr) != 0) {
        const int err = errno;
        return Error::make(ErrorCode::Io, "cannot watch files (kqueue): " + errno_text(err));
    }
    return std::unique_ptr<DirWatch>(std::make_unique<KqueueDirWatch>(std::move(kq)));
}

}  // namespace ssocred::platform
