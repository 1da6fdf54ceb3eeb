// The session-renewal job, and the two events that make it renew early.
#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "jobs/jobs.hpp"
#include "jobs/off_loop.hpp"

namespace ssocred::jobs {
namespace asio = boost::asio;

namespace {
// The longest sleep: renewal times come from SessionManager, this only bounds the wait so
// a config change is picked up.
constexpr auto kMaxSessionTimer = std::chrono::minutes(5);
}  // namespace

std::chrono::steady_clock::duration until_renewal(std::optional<SystemTime> next, SystemTime now) {
    using Steady = std::chrono::steady_clock::duration;
    const auto longest = std::chrono::duration_cast<Steady>(kMaxSessionTimer);
    if (!next) return longest;
    return std::clamp<Steady>(std::chrono::duration_cast<Steady>(*next - now),
                              std::chrono::seconds(1), longest);
}

asio::awaitable<void> renew_sessions(DaemonParts& p) {
    while (!p.stopping) {
        p.renewal_wanted = false;
        auto next = co_await off_loop(p.upstream.get_executor(),
                                      [&p] { return p.sessions->refresh_due_sessions(); });
        if (p.stopping) co_return;
        p.update_session_end();
        if (p.renewal_wanted) continue;  // asked again while this round ran
        p.session_timer.expires_after(until_renewal(next, p.clock.now()));
        // Cancelled: renew_sessions_now (go round again) or shut_down (the loop ends).
        co_await p.session_timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

void renew_sessions_now(DaemonParts& p) {
    if (p.stopping) return;
    p.renewal_wanted = true;
    p.session_timer.cancel();
}

void on_token_changed(DaemonParts& p, const std::string& session) {
    asio::post(p.loop, [&p, session] {
        if (p.engine) p.engine->session_changed(session);
        p.update_session_end();  // a login, a renewal, or a refusal: the end moved
        // The next renewal time changed (a login, or a renewal): re-plan from it.
        renew_sessions_now(p);
    });
}

void on_clock_jump(DaemonParts& p, ClockEvent event) {
    spdlog::info("{}: renewing whatever went stale",
                 event == ClockEvent::Resumed ? "resumed from suspend" : "wall clock changed");
    p.engine->on_clock_jump();
    renew_sessions_now(p);
}

}  // namespace ssocred::jobs
