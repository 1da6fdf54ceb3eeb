#include "creds/clock_jump_detector.hpp"

#include <cerrno>
#include <cstring>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

namespace ssocred {

namespace {

std::chrono::nanoseconds read_clock(clockid_t id) {
    timespec ts{};
    ::clock_gettime(id, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

}  // namespace

ClockSample ClockSample::now() {
    return {read_clock(CLOCK_BOOTTIME), read_clock(CLOCK_MONOTONIC)};
}

bool slept_between(const ClockSample& before, const ClockSample& after,
                   std::chrono::nanoseconds threshold) {
    const auto boot = after.boottime - before.boottime;
    const auto mono = after.monotonic - before.monotonic;
    return boot - mono > threshold;
}

ClockJumpDetector::ClockJumpDetector(boost::asio::any_io_executor loop, Callback on_event,
                                     std::chrono::seconds poll_interval)
    : on_event_(std::move(on_event)),
      poll_interval_(poll_interval),
      timerfd_(loop),
      poll_timer_(loop) {}

ClockJumpDetector::~ClockJumpDetector() {
    stop();
}

Status ClockJumpDetector::start() {
    last_ = ClockSample::now();
    poll_sleep();
    const int fd = ::timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
    if (fd < 0)
        return Error::make(ErrorCode::Io,
                           std::string("timerfd_create failed: ") + std::strerror(errno));
    timerfd_.assign(fd);
    if (auto s = arm_timerfd(); !s) return s;
    wait_timerfd();
    return ok();
}

void ClockJumpDetector::stop() {
    *alive_ = false;
    alive_ = std::make_shared<bool>(true);
    boost::system::error_code ignored;
    poll_timer_.cancel();
    if (timerfd_.is_open()) timerfd_.close(ignored);
}

// An absolute deadline far in the future: it never fires, it only exists so the kernel
// cancels it (ECANCELED) when CLOCK_REALTIME is set.
Status ClockJumpDetector::arm_timerfd() {
    itimerspec spec{};
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    spec.it_value.tv_sec = now.tv_sec + 10L * 365 * 24 * 3600;
    if (::timerfd_settime(timerfd_.native_handle(), TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
                          &spec, nullptr) != 0)
        return Error::make(ErrorCode::Io,
                           std::string("timerfd_settime failed: ") + std::strerror(errno));
    return ok();
}

void ClockJumpDetector::wait_timerfd() {
    timerfd_.async_wait(
        boost::asio::posix::stream_descriptor::wait_read,
        [this, alive = alive_](const boost::system::error_code& ec) {
            if (!*alive || ec) return;
            std::uint64_t expirations = 0;
            const auto n = ::read(timerfd_.native_handle(), &expirations, sizeof expirations);
            const bool jumped = n < 0 && errno == ECANCELED;
            if (jumped || n == sizeof expirations) {
                if (auto s = arm_timerfd(); !s) {
                    spdlog::warn("clock jump detection stopped: {}", s.error().message);
                    return;
                }
            }
            if (jumped) {
                spdlog::info("wall clock was set; re-evaluating credential renewals");
                on_event_(ClockEvent::WallClockSet);
            }
            if (*alive) wait_timerfd();
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
