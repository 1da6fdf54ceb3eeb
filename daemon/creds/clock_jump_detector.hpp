// ClockJumpDetector: tells the event loop when wall-clock deadlines must be re-evaluated.
//
// Two events matter to renewal: the wall clock was set (NTP step, manual change) and the
// machine slept (suspend/resume). The first comes from platform::ClockChangeSource (a
// timerfd cancelled on set on Linux, a periodic wall-versus-monotonic check elsewhere), whose
// descriptor the loop waits on. The second shows as a clock that counts sleep advancing
// further than one that does not (platform::read_sleep_clocks: CLOCK_BOOTTIME and
// CLOCK_MONOTONIC on Linux), checked by a periodic steady timer. The callback runs on the
// loop; the engine's on_clock_jump() is what the daemon connects to it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "ssocred/expected.hpp"

#include "platform/clock_change_source.hpp"

namespace ssocred {

enum class ClockEvent { WallClockSet, Resumed };

// Readings of a clock that counts suspended time (boottime) and of one that does not
// (monotonic), taken together: platform::read_sleep_clocks().
struct ClockSample {
    std::chrono::nanoseconds boottime{};
    std::chrono::nanoseconds monotonic{};
    static ClockSample now();
};

// True when the machine was suspended between `before` and `after` for longer than
// `threshold` (boottime advanced that much more than monotonic).
bool slept_between(const ClockSample& before, const ClockSample& after,
                   std::chrono::nanoseconds threshold = std::chrono::seconds(2));

class ClockJumpDetector {
  public:
    using Callback = std::function<void(ClockEvent)>;

    ClockJumpDetector(boost::asio::any_io_executor loop, Callback on_event,
                      std::chrono::seconds poll_interval = std::chrono::seconds(5));
    ~ClockJumpDetector();
    ClockJumpDetector(const ClockJumpDetector&) = delete;
    ClockJumpDetector& operator=(const ClockJumpDetector&) = delete;

    // Starts both watches. An Io error when the clock change source is unavailable; suspend
    // detection and the scheduler's bounded sleeps still cover jumps then, only later.
    Status start();
    void stop();

    // Whether start() polls for a suspend: only where the OS has a clock that counts sleep
    // (platform::has_sleep_clocks); elsewhere the clock change source sees a resume as the
    // wall clock running ahead.
    bool polls_for_sleep() const { return polls_for_sleep_; }

  private:
    void wait_clock_change();
    void poll_sleep();
    bool polls_for_sleep_ = false;

    boost::asio::any_io_executor loop_;
    Callback on_event_;
    std::chrono::seconds poll_interval_;
    std::unique_ptr<platform::ClockChangeSource> clock_changes_;
    // A dup of clock_changes_'s descriptor: stream_descriptor closes what it holds.
    std::optional<boost::asio::posix::stream_descriptor> clock_change_events_;
    boost::asio::steady_timer poll_timer_;
    ClockSample last_{};
    // Handlers check this token, not `this`, after an abort (stop() or destruction).
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ssocred
