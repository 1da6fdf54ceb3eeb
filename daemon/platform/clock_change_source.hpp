// The clock events that make wall-clock deadlines stale (creds/clock_jump_detector.hpp):
//
// - ClockChangeSource: a descriptor that becomes readable when the wall clock may have been
//   set (an NTP step, a manual change), so the event loop waits for it like for a socket;
// - read_sleep_clocks(): a clock that counts suspended time beside one that does not, whose
//   difference growing tells that the machine slept.
//
// Implementations (clock_change_source_<layer>.cpp):
//   linux:   a timerfd on CLOCK_REALTIME armed with TFD_TIMER_CANCEL_ON_SET (the kernel's
//            own notice); CLOCK_BOOTTIME beside CLOCK_MONOTONIC;
//   macos:   a kqueue EVFILT_TIMER every two seconds comparing CLOCK_REALTIME with
//            CLOCK_MONOTONIC (which, on macOS, counts sleep: a suspend is no jump there);
//            CLOCK_MONOTONIC beside CLOCK_UPTIME_RAW (which does not count sleep);
//   generic: make_polling_clock_change_source(): a thread comparing std::chrono's
//            system_clock with its steady_clock every two seconds; no clock that counts
//            sleep, so a suspend shows as the wall clock running ahead of the steady one
//            (reported as a change, which costs the same re-evaluation).
// The polling source is built on every OS (generic_clock_check.cpp has no layer suffix), so
// the unit tests run it beside the native one and can feed it an injected clock.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "ssocred/expected.hpp"

namespace ssocred::platform {

class ClockChangeSource {
  public:
    virtual ~ClockChangeSource() = default;

    // Non-blocking, close-on-exec; readable when drain() may have something.
    virtual int native_handle() const = 0;

    // Reads what is pending without blocking (and re-arms). True when the wall clock was set
    // since the last call. Errors: Io when the source broke and will report nothing more.
    virtual Expected<bool> drain() = 0;
};

// The OS's own kind. Errors: Io when the kernel refuses one (descriptor limits).
Expected<std::unique_ptr<ClockChangeSource>> make_clock_change_source();

// A reading of the wall clock and of a clock that never jumps, taken together.
struct ClockReadings {
    std::chrono::nanoseconds wall{};
    std::chrono::nanoseconds steady{};
    static ClockReadings now();  // std::chrono::system_clock and steady_clock
};

// The comparison the polling sources make: between two readings the wall clock should move
// as far as the steady clock; when the two differ by more than `tolerance` (NTP slews at
// most 0.5 ms a second) the wall clock was set, forward or back.
class WallClockCheck {
  public:
    explicit WallClockCheck(ClockReadings first,
                            std::chrono::nanoseconds tolerance = std::chrono::seconds(1))
        : last_(first), tolerance_(tolerance) {}

    // True when the wall clock jumped between the previous reading and `now`.
    bool observe(ClockReadings now);

  private:
    ClockReadings last_;
    std::chrono::nanoseconds tolerance_;
};

// The portable kind: a thread that reads `read` every `interval` and makes a pipe readable
// when WallClockCheck says the wall clock jumped. Errors: Io (no pipe, no thread).
Expected<std::unique_ptr<ClockChangeSource>> make_polling_clock_change_source(
    std::chrono::milliseconds interval = std::chrono::seconds(2),
    std::function<ClockReadings()> read = &ClockReadings::now);

// Readings of a clock that counts the time the machine was suspended and of one that does
// not (CLOCK_BOOTTIME and CLOCK_MONOTONIC on Linux). Where the OS has no such pair both are
// the steady clock, and a suspend is left to the ClockChangeSource.
struct SleepClocks {
    std::chrono::nanoseconds with_sleep{};
    std::chrono::nanoseconds without_sleep{};
};
SleepClocks read_sleep_clocks();
// False where read_sleep_clocks() has no such pair (the generic layer: both readings are the
// steady clock, which can never show a suspend): polling them would only wake the daemon.
bool has_sleep_clocks() noexcept;

}  // namespace ssocred::platform
