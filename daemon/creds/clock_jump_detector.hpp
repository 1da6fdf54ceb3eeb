// ClockJumpDetector: tells the event loop when wall-clock deadlines must be re-evaluated.
//
// Two events matter to renewal: the wall clock was set (NTP step, manual change) and the
// machine slept (suspend/resume). The first is reported by a timerfd on CLOCK_REALTIME armed
// with TFD_TIMER_ABSTIME|TFD_TIMER_CANCEL_ON_SET, whose read fails with ECANCELED when the
// clock is set. The second shows as CLOCK_BOOTTIME advancing further than CLOCK_MONOTONIC
// (which stops during suspend), checked by a periodic steady timer. The callback runs on the
// loop; the engine's on_clock_jump() is what the daemon connects to it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "ssocred/expected.hpp"

namespace ssocred {

enum class ClockEvent { WallClockSet, Resumed };

// Readings of CLOCK_BOOTTIME and CLOCK_MONOTONIC taken together.
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

    // Starts both watches. An Io error when timerfd is unavailable; suspend detection and
    // the scheduler's bounded sleeps still cover jumps then, only later.
    Status start();
    void stop();

  private:
    Status arm_timerfd();
    void wait_timerfd();
    void poll_sleep();

    Callback on_event_;
    std::chrono::seconds poll_interval_;
    boost::asio::posix::stream_descriptor timerfd_;
    boost::asio::steady_timer poll_timer_;
    ClockSample last_{};
    // Handlers check this token, not `this`, after an abort (stop() or destruction).
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ssocred
