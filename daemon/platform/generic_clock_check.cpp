// WallClockCheck and the polling ClockChangeSource: the generic layer's kind, built on every
// OS so that the unit tests run it (with an injected clock) beside the native one.
#include <mutex>
#include <utility>

#include "platform/clock_change_source.hpp"
#include "platform/generic_poll_thread.hpp"

namespace ssocred::platform {
namespace {

class PollingClockChangeSource final : public ClockChangeSource {
  public:
    explicit PollingClockChangeSource(std::function<ClockReadings()> read)
        : read_(std::move(read)), check_(read_()) {}

    Status start(std::chrono::milliseconds interval) {
        return poller_.start(interval, [this] { look(); });
    }

    int native_handle() const override { return poller_.native_handle(); }

    Expected<bool> drain() override {
        std::lock_guard lock(mutex_);
        poller_.clear();
        return std::exchange(jumped_, false);
    }

  private:
    // On the poller's thread.
    void look() {
        std::lock_guard lock(mutex_);
        if (!check_.observe(read_())) return;
        jumped_ = true;
        poller_.notify();
    }

    std::function<ClockReadings()> read_;
    std::mutex mutex_;
    WallClockCheck check_;
    bool jumped_ = false;
    generic::PollThread poller_;  // last: stopped before the members look() uses
};

}  // namespace

ClockReadings ClockReadings::now() {
    return {std::chrono::system_clock::now().time_since_epoch(),
            std::chrono::steady_clock::now().time_since_epoch()};
}

bool WallClockCheck::observe(ClockReadings now) {
    const auto wall = now.wall - last_.wall;
    const auto steady = now.steady - last_.steady;
    last_ = now;
    const auto drift = wall - steady;
    return drift > tolerance_ || drift < -tolerance_;
}

Expected<std::unique_ptr<ClockChangeSource>> make_polling_clock_change_source(
    std::chrono::milliseconds interval, std::function<ClockReadings()> read) {
    auto source = std::make_unique<PollingClockChangeSource>(std::move(read));
    if (auto st = source->start(interval); !st) return std::move(st).error();
    return std::unique_ptr<ClockChangeSource>(std::move(source));
}

}  // namespace ssocred::platform
