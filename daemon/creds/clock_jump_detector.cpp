#include "creds/clock_jump_detector.hpp"

#include <cerrno>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "ssocred/errno_text.hpp"

namespace ssocred {

ClockSample ClockSample::now() {
    const auto clocks = platform::read_sleep_clocks();
    return {clocks.with_sleep, clocks.without_sleep};
}

bool slept_between(const ClockSample& before, const ClockSample& after,
                   std::chrono::nanoseconds threshold) {
    const auto boot = after.boottime - before.boottime;
    const auto mono = after.monotonic - before.monotonic;
    return boot - mono > threshold;
}

ClockJumpDetector::ClockJumpDetector(boost::asio::any_io_executor loop, Callback on_event,
                                     std::chrono::seconds poll_interval)
    : loop_(loop),
      on_event_(std::move(on_event)),
      poll_interval_(poll_interval),
      poll_timer_(loop) {}

ClockJumpDetector::~ClockJumpDetector() {
    stop();
}

Status ClockJumpDetector::start() {
    // Two equal readings can never show a suspend: no timer waking the daemon every few
    // seconds for nothing.
    polls_for_sleep_ = platform::has_sleep_clocks();
    if (polls_for_sleep_) {
        last_ = ClockSample::now();
        poll_sleep();
    }
    auto source = platform::make_clock_change_source();
    if (!source) return std::move(source).error();
    const int fd = ::dup((*source)->native_handle());
    if (fd < 0) {
        const int err = errno;
        return Error::make(ErrorCode::Io, "cannot wait for clock changes: " + errno_text(err));
    }
    clock_changes_ = std::move(*source);
    clock_change_events_.emplace(loop_, fd);
    wait_clock_change();
    return ok();
}

void ClockJumpDetector::stop() {
    *alive_ = false;
    alive_ = std::make_shared<bool>(true);
    boost::system::error_code ignored;
    poll_timer_.cancel();
    if (clock_change_events_) {
        clock_change_events_->close(ignored);
        clock_change_events_.reset();
    }
    clock_changes_.reset();
}

void ClockJumpDetector::wait_clock_change() {
    clock_change_events_->async_wait(
        boost::asio::posix::stream_descriptor::wait_read,
        [this, alive = alive_](const boost::system::error_code& ec) {
            if (!*alive || ec) return;
            auto jumped = clock_changes_->drain();
            if (!jumped) {
                spdlog::warn("clock jump detection stopped: {}", jumped.error().message);
                return;
            }
            if (*jumped) {
                spdlog::info("wall clock was set; re-evaluating credential renewals");
                on_event_(ClockEvent::WallClockSet);
            }
            if (*alive) wait_clock_change();
        });
}

void ClockJumpDetector::poll_sleep() {
    poll_timer_.expires_after(poll_interval_);
    poll_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
        if (!*alive || ec) return;
        const auto sample = ClockSample::now();
        const bool slept = slept_between(last_, sample);
        last_ = sample;
        if (slept) {
            spdlog::info("resumed from suspend; re-evaluating credential renewals");
            on_event_(ClockEvent::Resumed);
        }
        if (*alive) poll_sleep();
    });
}

}  // namespace ssocred
