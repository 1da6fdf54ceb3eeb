// Linux: the kernel says when CLOCK_REALTIME is set. A timerfd on it, armed with an absolute
// deadline far in the future and TFD_TIMER_CANCEL_ON_SET, never fires; its read fails with
// ECANCELED once the clock is set. CLOCK_BOOTTIME counts suspended time, CLOCK_MONOTONIC
// does not.
#include <cerrno>
#include <cstdint>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "ssocred/errno_text.hpp"

#include "platform/clock_change_source.hpp"
#include "store/unique_fd.hpp"

namespace ssocred::platform {
namespace {

class TimerfdClockChangeSource final : public ClockChangeSource {
  public:
    explicit TimerfdClockChangeSource(UniqueFd fd) : fd_(std::move(fd)) {}

    int native_handle() const override { return fd_.get(); }

    Status arm() {
        itimerspec spec{};
        timespec now{};
        ::clock_gettime(CLOCK_REALTIME, &now);
        spec.it_value.tv_sec = now.tv_sec + 10L * 365 * 24 * 3600;
        if (::timerfd_settime(fd_.get(), TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec,
                              nullptr) != 0) {
            const int err = errno;
            return Error::make(ErrorCode::Io, "timerfd_settime failed: " + errno_text(err));
        }
        return ok();
    }

    Expected<bool> drain() override {
        std::uint64_t expirations = 0;
        const auto n = ::read(fd_.get(), &expirations, sizeof expirations);
        const bool jumped = n < 0 && errno == ECANCELED;
        // A cancelled timer stays cancelled (and an expired one, ten years on, spent): arm
        // it again. EAGAIN: a spurious wake-up, nothing to do.
        if (jumped || n == sizeof expirations) {
            if (auto st = arm(); !st) return std::move(st).error();
        }
        return jumped;
    }

  private:
    UniqueFd fd_;
};

std::chrono::nanoseconds read_clock(clockid_t id) {
    timespec ts{};
    ::clock_gettime(id, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

}  // namespace

Expected<std::unique_ptr<ClockChangeSource>> make_clock_change_source() {
    UniqueFd fd(::timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC));
    if (!fd.valid()) {
        const int err = errno;
        return Error::make(ErrorCode::Io, "timerfd_create failed: " + errno_text(err));
    }
    auto source = std::make_unique<TimerfdClockChangeSource>(std::move(fd));
    if (auto st = source->arm(); !st) return std::move(st).error();
    return std::unique_ptr<ClockChangeSource>(std::move(source));
}

SleepClocks read_sleep_clocks() {
    return {read_clock(CLOCK_BOOTTIME), read_clock(CLOCK_MONOTONIC)};
}

bool has_sleep_clocks() noexcept {
    return true;
}

}  // namespace ssocred::platform
