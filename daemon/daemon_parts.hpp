// DaemonParts: every part of ssocredd, owned in one place. Internal to daemon.cpp (which
// builds and wires them) and the jobs in daemon/jobs/ (which keep them running).
//
// Declaration order is construction order: every part is built after what it uses and
// destroyed before it. Everything here is touched on the loop thread only, except what
// the two pools' jobs reach through their own thread-safe interfaces (SessionManager,
// the persistence, the notifier).
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "ssocred/time.hpp"

#include "config_profiles.hpp"
#include "config_reloader.hpp"
#include "control/control_api.hpp"
#include "creds/clock_jump_detector.hpp"
#include "creds/credential_engine.hpp"
#include "platform/desktop_notifier.hpp"
#include "serve/endpoint_tokens.hpp"
#include "serve/metrics.hpp"
#include "serve/server.hpp"
#include "session_end_notices.hpp"
#include "sso/session_manager.hpp"
#include "store/aws_cli_cache_watcher.hpp"
#include "store/session_store.hpp"
#include "store/synced_session_store.hpp"
#include "sts/chain_fetcher.hpp"

namespace ssocred {

struct DaemonParts {
    explicit DaemonParts(const Clock& c) : clock(c), started_at(c.now()) {}

    const Clock& clock;  // every "now" of the daemon (tests of the parts inject their own)
    boost::asio::io_context loop{1};
    boost::asio::thread_pool upstream{4};  // blocking upstream calls (SessionManager)
    boost::asio::thread_pool control{2};   // control-socket work that may block upstream
    boost::asio::signal_set signals{loop};
    SystemTime started_at;

    ConfigProfiles profiles;
    std::unique_ptr<ConfigReloader> config_reloader;
    std::shared_ptr<SessionStore> own_store;
    std::optional<SyncedSessionStore> synced_store;
    TokenPersistence* persistence = nullptr;  // own_store, or synced_store when syncing
    std::unique_ptr<sso::SessionManager> sessions;
    std::unique_ptr<serve::EndpointTokens> tokens;
    std::unique_ptr<sts::ChainFetcher> chain;
    std::unique_ptr<CredentialEngine> engine;
    serve::Metrics metrics;
    std::unique_ptr<ControlApi> control_api;
    std::unique_ptr<serve::Server> server;
    std::unique_ptr<ClockJumpDetector> clock_jumps;
    std::optional<AwsCliCacheWatcher> cache_watcher;
    std::optional<boost::asio::posix::stream_descriptor> cache_watch_fd;
    std::unique_ptr<platform::DesktopNotifier> notifier;
    std::unique_ptr<SessionEndNotices> session_end;  // the desktop notices about sessions' ends

    // The jobs' timers (daemon/jobs/): shut_down cancels them.
    boost::asio::steady_timer session_timer{loop};   // the next session renewal
    boost::asio::steady_timer rotation_timer{loop};  // the next token-file rotation
    boost::asio::steady_timer watchdog_timer{loop};  // the next watchdog ping
    boost::asio::steady_timer drain_deadline{loop};  // how long shutdown waits for connections
    bool renewal_wanted = false;  // renew_sessions_now() was asked (jobs/session_renewal.cpp)
    bool stopping = false;

    // Re-plans the session-end notices from the sessions' status (on the loop).
    void update_session_end() {
        if (session_end && sessions && !stopping) session_end->update(sessions->status());
    }
};

}  // namespace ssocred
