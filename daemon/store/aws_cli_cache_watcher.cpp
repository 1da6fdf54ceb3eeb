#include "store/aws_cli_cache_watcher.hpp"

#include <algorithm>
#include <set>

#include "store/aws_cli_cache_keys.hpp"

namespace ssocred {

Expected<AwsCliCacheWatcher> AwsCliCacheWatcher::create(std::filesystem::path cache_dir) {
    return create(std::move(cache_dir), platform::make_dir_watch());
}

Expected<AwsCliCacheWatcher> AwsCliCacheWatcher::create(
    std::filesystem::path cache_dir, Expected<std::unique_ptr<platform::DirWatch>> watch) {
    if (!watch)
        return Error::make(watch.error().code,
                           "cannot watch the AWS CLI cache: " + watch.error().message);
    AwsCliCacheWatcher w(std::move(*watch), std::move(cache_dir));
    w.arm();
    return w;
}

void AwsCliCacheWatcher::watch_session(const std::string& session) {
    sessions_by_file_[aws_cli::token_cache_key(session) + ".json"] = session;
    arm();
}

void AwsCliCacheWatcher::unwatch_session(const std::string& session) {
    sessions_by_file_.erase(aws_cli::token_cache_key(session) + ".json");
    arm();
}

void AwsCliCacheWatcher::arm() {
    platform::WatchedDirectory dir{dir_, {}};
    for (const auto& entry : sessions_by_file_) dir.entries.push_back(entry.first);
    watch_->watch({std::move(dir)});
}

std::vector<std::string> AwsCliCacheWatcher::drain() {
    const auto changes = watch_->drain();
    std::set<std::string> changed;
    for (const auto& entry : sessions_by_file_) {
        const bool touched =
            changes.everything || std::find(changes.entries.begin(), changes.entries.end(),
                                            dir_ / entry.first) != changes.entries.end();
        if (touched) changed.insert(entry.second);
    }
    return {changed.begin(), changed.end()};
}

bool AwsCliCacheWatcher::watching_cache_dir() const {
    const auto dirs = watch_->watched_directories();
    return std::find(dirs.begin(), dirs.end(), dir_) != dirs.end();
}

}  // namespace ssocred
