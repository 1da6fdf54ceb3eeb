// macOS: no descriptor of the kernel's says that the wall clock was set, so a kqueue timer
// (EVFILT_TIMER, every two seconds) makes the kqueue readable and drain() compares
// CLOCK_REALTIME with CLOCK_MONOTONIC, which on macOS keeps counting while the machine
// sleeps (clock_gettime(3)): a suspend moves both alike and is no jump here; the sleep clocks
// tell it instead. CLOCK_UPTIME_RAW is the one that stops during sleep.
//
// The kqueue descriptor is what becomes readable (kqueues nest: the daemon's loop, itself a
// kqueue under Asio on macOS, waits on it like on a socket).
#include <cerrno>
#include <fcntl.h>
#include <sys/event.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "ssocred/errno_text.hpp"

#include "platform/clock_change_source.hpp"
#include "store/unique_fd.hpp"

namespace ssocred::platform {
namespace {

constexpr std::intptr_t kCheckEveryMs = 2000;  // EVFILT_TIMER's default unit: milliseconds

std::chrono::nanoseconds read_clock(clockid_t id) {
    timespec ts{};
    ::clock_gettime(id, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

ClockReadings wall_and_monotonic() {
    return {read_clock(CLOCK_REALTIME), read_clock(CLOCK_MONOTONIC)};
}

class KqueueClockChangeSource final : public ClockChangeSource {
  public:
    explicit KqueueClockChangeSource(UniqueFd kq)
        : kq_(std::move(kq)), check_(wall_and_monotonic()) {}

    int native_handle() const override { return kq_.get(); }

    Expected<bool> drain() override {
        const timespec no_wait{0, 0};
        struct kevent fired[4];
        bool ticked = false;
        for (;;) {
            const int n = ::kevent(kq_.get(), nullptr, 0, fired, 4, &no_wait);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                const int err = errno;
                return Error::make(ErrorCode::Io, "kevent failed: " + errno_text(err));
            }
            if (n > 0) ticked = true;
            if (n < 4) break;
        }
        return ticked && check_.observe(wall_and_monotonic());
    }

  private:
    UniqueFd kq_;
    WallClockCheck check_;
};

}  // namespace

Expected<std::unique_ptr<ClockChangeSource>> make_clock_change_source() {
    UniqueFd kq(::kqueue());
    if (!kq.valid()) {
        const int err = errno;
        return Error::make(ErrorCode::Io, "kqueue failed: " + errno_text(err));
    }
    // A kqueue is never inherited by a child, but its descriptor number would be.
    ::fcntl(kq.get(), F_SETFD, FD_CLOEXEC);
    struct kevent timer {};
    timer.ident = 1;
    timer.filter = EVFILT_TIMER;
    timer.flags = EV_ADD | EV_ENABLE;  // periodic until deleted
    timer.data = kCheckEveryMs;
    if (::kevent(kq.get(), &timer, 1, nullptr, 0, nullptr) != 0) {
        const int err = errno;
        return Error::make(ErrorCode::Io, "cannot arm a kqueue timer: " + errno_text(err));
    }
    return std::unique_ptr<ClockChangeSource>(
        std::make_unique<KqueueClockChangeSource>(std::move(kq)));
}

SleepClocks read_sleep_clocks() {
    return {read_clock(CLOCK_MONOTONIC), read_clock(CLOCK_UPTIME_RAW)};
}

bool has_sleep_clocks() noexcept {
    return true;
}

}  // namespace ssocred::platform
