#include "platform/path_watcher.hpp"

namespace ssocred::platform {
namespace {

namespace fs = std::filesystem;

// The kernel's own limit on links followed in one path (MAXSYMLINKS).
constexpr int kMaxLinks = 40;

}  // namespace

Expected<PathWatcher> PathWatcher::create(fs::path file) {
    return create(std::move(file), make_dir_watch());
}

Expected<PathWatcher> PathWatcher::create(fs::path file,
                                          Expected<std::unique_ptr<DirWatch>> watch) {
    if (!watch)
        return Error::make(watch.error().code,
                           "cannot watch " + file.string() + ": " + watch.error().message);
    std::error_code ec;
    if (file.is_relative()) file = fs::absolute(file, ec);
    PathWatcher w(std::move(*watch), std::move(file));
    w.arm();
    return w;
}

// The file's directory, then the directory of each link's target in turn: editing the
// target and re-pointing a link both count.
void PathWatcher::arm() {
    std::vector<WatchedDirectory> dirs;
    fs::path p = file_.lexically_normal();
    for (int hop = 0; hop < kMaxLinks; ++hop) {
        dirs.push_back({p.parent_path(), {p.filename().string()}});
        std::error_code ec;
        if (!fs::is_symlink(p, ec)) break;
        fs::path target = fs::read_symlink(p, ec);
        if (ec) break;
        p = (target.is_absolute() ? target : p.parent_path() / target).lexically_normal();
    }
    watch_->watch(std::move(dirs));
}

bool PathWatcher::drain() {
    if (!watch_->drain().any()) return false;
    arm();
    return true;
}

std::vector<fs::path> PathWatcher::watched_directories() const {
    return watch_->watched_directories();
}

}  // namespace ssocred::platform
