// Scheduler: one wake-up at a wall-clock deadline, judged by the injected Clock.
//
// Credential expirations are upstream wall-clock times, so deadlines are SystemTime and
// "due" means clock.now() >= deadline — never a steady_clock duration computed once. The
// engine keeps a single armed deadline (the earliest of all roles), which scales to many
// roles. AsioScheduler runs on the event loop; ManualScheduler lets tests fire deadlines
// after advancing a ManualClock, deterministically.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "ssocred/time.hpp"

namespace ssocred {

class Scheduler {
  public:
    virtual ~Scheduler() = default;
    // Calls `fn` on the event loop once the clock reaches `deadline`. Replaces any earlier arm.
    virtual void arm(SystemTime deadline, std::function<void()> fn) = 0;
    virtual void disarm() = 0;
};

// Sleeps on a steady timer for at most `max_sleep` at a time and re-checks the wall clock,
// so a drifting or stepped clock is noticed within max_sleep even without the
// ClockJumpDetector (CLOCK_MONOTONIC also stops during suspend).
class AsioScheduler final : public Scheduler {
  public:
    AsioScheduler(boost::asio::any_io_executor loop, const Clock& clock,
                  std::chrono::seconds max_sleep = std::chrono::seconds(30));
    ~AsioScheduler() override;
    AsioScheduler(const AsioScheduler&) = delete;
    AsioScheduler& operator=(const AsioScheduler&) = delete;

    void arm(SystemTime deadline, std::function<void()> fn) override;
    void disarm() override;

  private:
    void wait();

    const Clock& clock_;
    std::chrono::seconds max_sleep_;
    boost::asio::steady_timer timer_;
    SystemTime deadline_{};
    std::function<void()> fn_;
    std::uint64_t generation_ = 0;
};

// For tests: nothing happens until run_due() is called after advancing the clock.
class ManualScheduler final : public Scheduler {
  public:
    explicit ManualScheduler(const Clock& clock) : clock_(clock) {}
    void arm(SystemTime deadline, std::function<void()> fn) override {
        deadline_ = deadline;
        fn_ = std::move(fn);
    }
    void disarm() override {
        deadline_.reset();
        fn_ = nullptr;
    }
    std::optional<SystemTime> deadline() const { return deadline_; }
    // Fires the armed callback if due; returns whether it fired.
    bool run_due() {
        if (!deadline_ || clock_.now() < *deadline_) return false;
        auto fn = std::move(fn_);
        disarm();
        fn();
        return true;
    }

  private:
    const Clock& clock_;
    std::optional<SystemTime> deadline_;
    std::function<void()> fn_;
};

}  // namespace ssocred
