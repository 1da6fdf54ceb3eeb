// The daemon's jobs: what keeps ssocredd's parts running once daemon.cpp has built them.
// Each periodic job is a coroutine on the loop (co_spawn'ed by spawn_jobs); the rest are the
// callbacks the parts' own watchers call. All run on the loop thread, and every one ends
// (or does nothing) once shut_down has set DaemonParts::stopping.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "ssocred/expected.hpp"

#include "config/aws_config.hpp"
#include "creds/clock_jump_detector.hpp"
#include "daemon_parts.hpp"

namespace ssocred::jobs {

// Starts the coroutines below on the loop (the watchdog only when the service manager
// asked for pings, the cache import only when the cache is watched).
void spawn_jobs(DaemonParts& parts);

// session_renewal.cpp: SessionManager says when the next renewal is due; the blocking
// refresh runs on the upstream pool, then the job sleeps until then (at most 5 minutes).
boost::asio::awaitable<void> renew_sessions(DaemonParts& parts);
// A token changed, or the clock jumped: renew (or re-plan) now instead of at the planned time.
void renew_sessions_now(DaemonParts& parts);
// How long to sleep before the renewal due at `next` (nullopt: none is planned).
std::chrono::steady_clock::duration until_renewal(std::optional<SystemTime> next, SystemTime now);

// aws_cli_cache_import.cpp: a token written by `aws sso login` (or an SDK) is imported; a
// cache file deleted while we are logged in is written again.
boost::asio::awaitable<void> import_aws_cli_cache(DaemonParts& parts);

// periodic.cpp: scoped token files are rewritten every hour; the watchdog is pinged.
boost::asio::awaitable<void> rotate_token_files(DaemonParts& parts);
boost::asio::awaitable<void> ping_watchdog(DaemonParts& parts, std::chrono::microseconds interval);

// signals.cpp: SIGHUP re-reads the AWS config; SIGTERM and SIGINT shut down.
boost::asio::awaitable<void> handle_signals(DaemonParts& parts);
// shutdown.cpp: stops every job and watcher, wipes the cached credentials, and stops the
// loop as soon as the last connection has closed (5 seconds at most).
void shut_down(DaemonParts& parts);

// session_renewal.cpp too: a login, renewal or import changed a session's token (called on
// any thread); the wall clock jumped or the machine resumed (on the loop).
void on_token_changed(DaemonParts& parts, const std::string& session);
void on_clock_jump(DaemonParts& parts, ClockEvent event);

// config_apply.cpp: ConfigReloader's result, applied (or reported while the file is broken).
void apply_config(DaemonParts& parts, Expected<config::AwsConfig>& fresh);
// The SSO sessions rebuilt from the config in service (AWS_PROFILE names the default);
// the config's warnings are logged.
void reload_sessions(DaemonParts& parts);

}  // namespace ssocred::jobs
