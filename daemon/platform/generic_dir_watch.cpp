// The polling DirWatch (make_polling_dir_watch): the generic layer's only kind, and built on
// every OS so that the unit tests exercise it beside the native one. (Why a factory and not a
// namespace of its own: callers hold a DirWatch through its interface anyway, so a second
// factory is all a test needs to pick this kind, with a short interval.)
#include <mutex>

#include "platform/dir_watch.hpp"
#include "platform/dir_watch_snapshot.hpp"
#include "platform/generic_poll_thread.hpp"

namespace ssocred::platform {
namespace {

namespace fs = std::filesystem;

class PollingDirWatch final : public DirWatch {
  public:
    Status start(std::chrono::milliseconds interval) {
        return poller_.start(interval, [this] { look(); });
    }

    int native_handle() const override { return poller_.native_handle(); }

    void watch(std::vector<WatchedDirectory> directories) override {
        std::lock_guard lock(mutex_);
        directories_ = std::move(directories);
        last_ = DirSnapshot::take(directories_).carried_over(last_);
        watched_ = last_.watched_directories();
    }

    DirChanges drain() override {
        std::lock_guard lock(mutex_);
        poller_.clear();
        watched_ = last_.watched_directories();
        auto out = std::move(pending_);
        pending_ = {};
        sort_and_deduplicate(out.entries);
        return out;
    }

    std::vector<fs::path> watched_directories() const override {
        std::lock_guard lock(mutex_);
        return watched_;
    }

  private:
    // On the poller's thread.
    void look() {
        std::lock_guard lock(mutex_);
        auto now = DirSnapshot::take(directories_);
        auto changes = now.changes_since(last_);
        last_ = std::move(now);
        if (!changes.any()) return;
        pending_.everything = pending_.everything || changes.everything;
        pending_.entries.insert(pending_.entries.end(), changes.entries.begin(),
                                changes.entries.end());
        poller_.notify();
    }

    mutable std::mutex mutex_;
    std::vector<WatchedDirectory> directories_;
    DirSnapshot last_;
    DirChanges pending_;
    // As of the last watch() or drain(), as with a kernel watch: what the caller has been told.
    std::vector<fs::path> watched_;
    generic::PollThread poller_;  // last: stopped before the members look() uses
};

}  // namespace

Expected<std::unique_ptr<DirWatch>> make_polling_dir_watch(std::chrono::milliseconds interval) {
    auto w = std::make_unique<PollingDirWatch>();
    if (auto st = w->start(interval); !st) return std::move(st).error();
    return std::unique_ptr<DirWatch>(std::move(w));
}

}  // namespace ssocred::platform
