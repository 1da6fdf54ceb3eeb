#include "store/aws_cli_cache_watcher.hpp"

#include <cerrno>
#include <cstring>
#include <set>
#include <sys/inotify.h>

#include "store/aws_cli_cache_keys.hpp"
#include "store/errno_text.hpp"

namespace ssocred {
namespace {

constexpr std::uint32_t kDirMask =
    IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
// While the cache directory is missing: any new entry in the ancestor may be (a parent of) it.
constexpr std::uint32_t kAncestorMask =
    IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

}  // namespace

Expected<AwsCliCacheWatcher> AwsCliCacheWatcher::create(std::filesystem::path cache_dir) {
    UniqueFd fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (!fd.valid()) {
        const int err = errno;
        return Error::make(ErrorCode::Io,
                           "cannot watch the AWS CLI cache (inotify): " + errno_text(err));
    }
    AwsCliCacheWatcher w(std::move(fd), std::move(cache_dir));
    w.arm();
    return w;
}

void AwsCliCacheWatcher::watch_session(const std::string& session) {
    sessions_by_file_[aws_cli::token_cache_key(session) + ".json"] = session;
}

void AwsCliCacheWatcher::unwatch_session(const std::string& session) {
    sessions_by_file_.erase(aws_cli::token_cache_key(session) + ".json");
}

void AwsCliCacheWatcher::drop_ancestor_watch() {
    if (ancestor_wd_ >= 0) ::inotify_rm_watch(fd_.get(), ancestor_wd_);
    ancestor_wd_ = -1;
}

bool AwsCliCacheWatcher::arm() {
    if (dir_wd_ >= 0) return false;
    const int wd = ::inotify_add_watch(fd_.get(), dir_.c_str(), kDirMask);
    if (wd >= 0) {
        dir_wd_ = wd;
        drop_ancestor_watch();
        return true;
    }
    // Missing (or not yet a directory): watch the nearest existing ancestor instead.
    drop_ancestor_watch();
    for (auto p = dir_.parent_path(); !p.empty(); p = p.parent_path()) {
        const int awd = ::inotify_add_watch(fd_.get(), p.c_str(), kAncestorMask);
        if (awd >= 0) {
            ancestor_wd_ = awd;
            break;
        }
        if (p == p.root_path()) break;
    }
    // The directory may have appeared between the failed watch and the ancestor watch.
    const int again = ::inotify_add_watch(fd_.get(), dir_.c_str(), kDirMask);
    if (again >= 0) {
        dir_wd_ = again;
        drop_ancestor_watch();
        return true;
    }
    return false;
}

std::vector<std::string> AwsCliCacheWatcher::drain() {
    std::set<std::string> changed;
    bool everything = false;
    bool rearm = false;
    alignas(inotify_event) char buf[16 * 1024];
    for (;;) {
        const ssize_t n = ::read(fd_.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            break;  // EAGAIN: queue empty
        }
        if (n == 0) break;
        for (ssize_t off = 0; off < n;) {
            const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
            off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
            if ((ev->mask & IN_Q_OVERFLOW) != 0) {
                everything = true;
                continue;
            }
            if (ev->wd == dir_wd_ && dir_wd_ >= 0) {
                if ((ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) != 0) {
                    // The directory went away (or moved): our watch no longer means it.
                    if ((ev->mask & IN_IGNORED) == 0) ::inotify_rm_watch(fd_.get(), dir_wd_);
                    dir_wd_ = -1;
                    rearm = true;
                    everything = true;  // every token file is gone with it
                    continue;
                }
                if (ev->len == 0) continue;
                const auto it = sessions_by_file_.find(ev->name);  // name is NUL-padded
                if (it != sessions_by_file_.end()) changed.insert(it->second);
            } else if (ev->wd == ancestor_wd_ && ancestor_wd_ >= 0) {
                if ((ev->mask & IN_IGNORED) != 0) ancestor_wd_ = -1;
                rearm = true;
            }
        }
    }
    if (rearm && arm()) everything = true;  // files may predate the new watch
    if (everything)
        for (const auto& [file, session] : sessions_by_file_) changed.insert(session);
    return {changed.begin(), changed.end()};
}

}  // namespace ssocred
