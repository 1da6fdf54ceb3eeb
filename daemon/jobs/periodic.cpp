// The two plain periodic jobs: token-file rotation and the service manager's watchdog.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "jobs/jobs.hpp"
#include "platform/systemd.hpp"

namespace ssocred::jobs {
namespace asio = boost::asio;

namespace {

// A scoped token file is rewritten this often; the previous value stays valid this long.
constexpr auto kTokenFileRotation = std::chrono::hours(1);
constexpr auto kTokenFileGrace = std::chrono::minutes(5);

// Sleeps `period` on `timer`, then runs `tick`, until shut_down (which cancels the timer
// and sets `stopping`: a tick already due when it came is not run either).
template <class Tick>
asio::awaitable<void> every(asio::steady_timer& timer, std::chrono::steady_clock::duration period,
                            const bool& stopping, Tick tick) {
    while (!stopping) {
        timer.expires_after(period);
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec || stopping) co_return;
        tick();
    }
}

}  // namespace

// Scoped token files are rotated so a leaked copy stops working.
asio::awaitable<void> rotate_token_files(DaemonParts& p) {
    co_await every(p.rotation_timer, kTokenFileRotation, p.stopping, [&p] {
        if (auto st = p.tokens->rotate_files(std::chrono::duration_cast<Seconds>(kTokenFileGrace));
            !st)
            spdlog::warn("token file rotation: {}", st.error().message);
    });
}

asio::awaitable<void> ping_watchdog(DaemonParts& p, std::chrono::microseconds interval) {
    platform::notify_watchdog();
    co_await every(p.watchdog_timer, interval, p.stopping, [] { platform::notify_watchdog(); });
}

}  // namespace ssocred::jobs
