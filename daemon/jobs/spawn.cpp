#include <csignal>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "jobs/jobs.hpp"
#include "platform/systemd.hpp"

namespace ssocred::jobs {

void spawn_jobs(DaemonParts& p) {
    const auto spawn = [&p](boost::asio::awaitable<void> job) {
        boost::asio::co_spawn(p.loop, std::move(job), boost::asio::detached);
    };
    spawn(renew_sessions(p));
    if (p.cache_watch_fd) spawn(import_aws_cli_cache(p));
    spawn(rotate_token_files(p));
    if (auto interval = platform::watchdog_ping_interval()) spawn(ping_watchdog(p, *interval));
    // Caught from now on, before readiness is announced; waited for once the loop runs.
    p.signals.add(SIGTERM);
    p.signals.add(SIGINT);
    p.signals.add(SIGHUP);
    spawn(handle_signals(p));
}

}  // namespace ssocred::jobs
