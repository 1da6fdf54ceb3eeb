// The signals job: SIGHUP re-reads the AWS config; SIGTERM and SIGINT shut down.
#include <csignal>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "jobs/jobs.hpp"
#include "platform/systemd.hpp"

namespace ssocred::jobs {
namespace asio = boost::asio;

// The signals were added by spawn_jobs, before readiness was announced.
asio::awaitable<void> handle_signals(DaemonParts& p) {
    while (true) {
        auto [ec, sig] = co_await p.signals.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        if (sig != SIGHUP) {
            spdlog::info("stopping (signal {})", sig);
            shut_down(p);
            co_return;
        }
        platform::notify_reloading("re-reading the AWS config");
        p.config_reloader->reload();
    }
}

}  // namespace ssocred::jobs
