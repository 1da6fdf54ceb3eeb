#include <algorithm>
#include <cerrno>
#include <sys/inotify.h>
#include <unistd.h>

#include "platform/path_watcher.hpp"
#include "store/errno_text.hpp"

namespace ssocred::platform {
namespace {

namespace fs = std::filesystem;

// Everything that can replace, change or remove an entry, plus the directory's own end.
// IN_MASK_ADD: two paths may share a directory (a link beside its target), and a second
// inotify_add_watch on the same inode would otherwise replace the first one's mask.
constexpr std::uint32_t kDirMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE |
                                   IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF |
                                   IN_ONLYDIR | IN_MASK_ADD;
// While a directory is missing: any new entry in the ancestor may be (a parent of) it.
constexpr std::uint32_t kAncestorMask =
    IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_MASK_ADD;
// The kernel's own limit on links followed in one path (MAXSYMLINKS).
constexpr int kMaxLinks = 40;

}  // namespace

Expected<PathWatcher> PathWatcher::create(std::filesystem::path file) {
    UniqueFd fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (!fd.valid()) {
        const int err = errno;
        return Error::make(ErrorCode::Io,
                           "cannot watch " + file.string() + " (inotify): " + errno_text(err));
    }
    std::error_code ec;
    if (file.is_relative()) file = fs::absolute(file, ec);
    PathWatcher w(std::move(fd), std::move(file));
    w.arm();
    return w;
}

void PathWatcher::add(const fs::path& directory, std::string name) {
    const int wd = ::inotify_add_watch(fd_.get(), directory.c_str(), kDirMask);
    if (wd >= 0) {
        watches_.push_back({wd, directory, std::move(name)});
        return;
    }
    // Missing (or not a directory yet): wait for it in the nearest existing ancestor.
    for (auto p = directory.parent_path(); !p.empty(); p = p.parent_path()) {
        const int awd = ::inotify_add_watch(fd_.get(), p.c_str(), kAncestorMask);
        if (awd >= 0) {
            watches_.push_back({awd, p, {}});
            return;
        }
        if (p == p.root_path()) return;
    }
}

void PathWatcher::arm() {
    for (const auto& w : watches_) ::inotify_rm_watch(fd_.get(), w.wd);
    watches_.clear();
    fs::path p = file_.lexically_normal();
    for (int hop = 0; hop < kMaxLinks; ++hop) {
        add(p.parent_path(), p.filename().string());
        std::error_code ec;
        if (!fs::is_symlink(p, ec)) return;
        fs::path target = fs::read_symlink(p, ec);
        if (ec) return;
        p = (target.is_absolute() ? target : p.parent_path() / target).lexically_normal();
    }
}

bool PathWatcher::drain() {
    bool changed = false;
    alignas(inotify_event) char buf[8 * 1024];
    for (;;) {
        const ssize_t n = ::read(fd_.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            break;  // EAGAIN: nothing more queued
        }
        if (n == 0) break;
        for (ssize_t off = 0; off < n;) {
            const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
            off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
            if ((ev->mask & IN_Q_OVERFLOW) != 0) {
                changed = true;
                continue;
            }
            // ev->name is NUL-padded to ev->len; compare it as a C string.
            const std::string_view name = ev->len > 0 ? std::string_view(ev->name) : "";
            for (const auto& w : watches_) {
                if (w.wd != ev->wd) continue;
                const bool dir_gone = (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) != 0;
                if (dir_gone || w.name.empty() || (!name.empty() && name == w.name)) {
                    changed = true;
                    break;
                }
            }
        }
    }
    if (changed) arm();
    return changed;
}

std::vector<std::filesystem::path> PathWatcher::watched_directories() const {
    std::vector<fs::path> out;
    for (const auto& w : watches_)
        if (std::find(out.begin(), out.end(), w.directory) == out.end()) out.push_back(w.directory);
    return out;
}

}  // namespace ssocred::platform
