// Shutdown: every job and watcher stops, the cached credentials are wiped, and the loop
// stops as soon as the connections still answering have closed.
#include <boost/asio/io_context.hpp>

#include "jobs/jobs.hpp"
#include "platform/systemd.hpp"

namespace ssocred::jobs {

namespace {
// The longest a response still being written may hold the exit.
constexpr auto kDrainDeadline = std::chrono::seconds(5);
}  // namespace

void shut_down(DaemonParts& p) {
    if (p.stopping) return;
    platform::notify_stopping();
    p.stopping = true;
    p.session_timer.cancel();
    p.rotation_timer.cancel();
    p.watchdog_timer.cancel();
    p.session_end->stop();
    p.clock_jumps->stop();
    p.config_reloader->stop();
    if (p.cache_watch_fd) p.cache_watch_fd->close();
    p.engine->clear();      // wipes every cached credential before we go
    p.control_api->stop();  // long polls still parked are answered now
    // Connections finish their responses, then the loop stops: work still queued by the
    // engine's timers does not hold us past this point.
    auto& loop = p.loop;
    p.drain_deadline.expires_after(kDrainDeadline);
    p.drain_deadline.async_wait([&loop](boost::system::error_code ec) {
        if (!ec) loop.stop();
    });
    p.server->stop([&loop] { loop.stop(); });
}

}  // namespace ssocred::jobs
