#include "creds/scheduler.hpp"

#include <algorithm>

namespace ssocred {

AsioScheduler::AsioScheduler(boost::asio::any_io_executor loop, const Clock& clock,
                             std::chrono::seconds max_sleep)
    : clock_(clock), max_sleep_(max_sleep), timer_(std::move(loop)) {}

AsioScheduler::~AsioScheduler() {
    timer_.cancel();
}

void AsioScheduler::arm(SystemTime deadline, std::function<void()> fn) {
    deadline_ = deadline;
    fn_ = std::move(fn);
    wait();
}

void AsioScheduler::disarm() {
    ++generation_;
    fn_ = nullptr;
    timer_.cancel();
}

void AsioScheduler::wait() {
    const auto gen = ++generation_;
    auto delay =
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(deadline_ - clock_.now());
    delay = std::clamp<std::chrono::steady_clock::duration>(
        delay, std::chrono::steady_clock::duration::zero(), max_sleep_);
    timer_.expires_after(delay);
    timer_.async_wait([this, gen](const boost::system::error_code& ec) {
        // Aborted waits (cancel, destruction) must not touch `this`: check ec first.
        if (ec || gen != generation_) return;
        if (clock_.now() < deadline_) {
            wait();
            return;
        }
        auto fn = std::move(fn_);
        fn_ = nullptr;
        if (fn) fn();  // may re-arm
    });
}

}  // namespace ssocred
