#include "daemon.hpp"

#include <csignal>
#include <cstdlib>
#include <optional>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <spdlog/spdlog.h>

#include "ssocred/paths.hpp"
#include "ssocred/version.hpp"

#include "config_profiles.hpp"
#include "config_reloader.hpp"
#include "control/control_api.hpp"
#include "creds/clock_jump_detector.hpp"
#include "creds/credential_engine.hpp"
#include "platform/activation.hpp"
#include "platform/desktop_notifier.hpp"
#include "platform/process_hardening.hpp"
#include "platform/service_manager.hpp"
#include "platform/systemd.hpp"
#include "serve/endpoint_tokens.hpp"
#include "serve/metrics.hpp"
#include "serve/server.hpp"
#include "session_end_notices.hpp"
#include "sso/session_manager.hpp"
#include "store/atomic_file.hpp"
#include "store/aws_cli_cache.hpp"
#include "store/aws_cli_cache_watcher.hpp"
#include "store/persistence_adapter.hpp"
#include "store/secret_store.hpp"
#include "store/session_store.hpp"
#include "store/synced_session_store.hpp"
#include "sts/chain_fetcher.hpp"

namespace ssocred {
namespace asio = boost::asio;

namespace {

std::string env_or_empty(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr ? v : "";
}

// How long the session-renewal timer sleeps at most: renewal times come from
// SessionManager, this only bounds the wait so a config change is picked up.
constexpr auto kMaxSessionTimer = std::chrono::minutes(5);
// A scoped token file is rewritten this often; the previous value stays valid this long.
constexpr auto kTokenFileRotation = std::chrono::hours(1);
constexpr auto kTokenFileGrace = std::chrono::minutes(5);

}  // namespace

// Declaration order is construction order: every part is built after what it uses and
// destroyed before it.
struct Daemon::Parts {
    asio::io_context loop{1};
    asio::thread_pool upstream{4};  // blocking upstream calls (SessionManager)
    asio::thread_pool control{2};   // control-socket work that may wait (logins, long polls)
    asio::signal_set signals{loop};
    std::chrono::system_clock::time_point started_at = std::chrono::system_clock::now();

    ConfigProfiles profiles;
    std::unique_ptr<ConfigReloader> config_reloader;
    std::shared_ptr<SessionStore> own_store;
    std::optional<SyncedSessionStore> synced_store;
    std::unique_ptr<sso::TokenPersistence> persistence;
    std::unique_ptr<sso::SessionManager> sessions;
    std::unique_ptr<serve::EndpointTokens> tokens;
    std::unique_ptr<sts::ChainFetcher> chain;
    std::unique_ptr<CredentialEngine> engine;
    serve::Metrics metrics;
    std::unique_ptr<ControlApi> control_api;
    std::unique_ptr<serve::Server> server;
    std::unique_ptr<ClockJumpDetector> clock_jumps;
    std::optional<AwsCliCacheWatcher> cache_watcher;
    std::optional<asio::posix::stream_descriptor> cache_watch_fd;
    asio::steady_timer session_timer{loop};
    asio::steady_timer watchdog_timer{loop};
    asio::steady_timer rotation_timer{loop};
    std::function<void()> renew_sessions;  // runs SessionManager renewals, re-arms session_timer
    std::unique_ptr<platform::DesktopNotifier> notifier;
    std::unique_ptr<SessionEndNotices> session_end;  // the desktop notices about sessions' ends
    // Re-plans the session-end notices from the sessions' status (on the loop).
    void update_session_end() {
        if (session_end && sessions && !stopping) session_end->update(sessions->status());
    }
    bool stopping = false;
};

Daemon::Daemon(DaemonOptions options) : options_(std::move(options)) {}
Daemon::~Daemon() {
    if (parts_) {
        parts_->upstream.join();
        parts_->control.join();
    }
}

int Daemon::run() {
    if (auto st = harden_process(); !st)
        spdlog::warn("process hardening incomplete: {}", st.error().message);
    if (auto st = ensure_private_dir(options_.state_dir); !st) {
        spdlog::error("state directory: {}", st.error().message);
        return 1;
    }
    parts_ = std::make_unique<Parts>();
    Parts& p = *parts_;

    // --- configuration ---------------------------------------------------------------
    const auto config_path = paths::aws_config_file();
    // A broken config must not keep the daemon down: it runs, and says why it has no
    // sessions (status, doctor, every command that needs the config) until the file is fixed.
    if (auto config = config::load_aws_config(config_path)) {
        p.profiles.replace(std::make_shared<const config::AwsConfig>(std::move(*config)),
                           std::chrono::system_clock::now());
    } else {
        spdlog::error("AWS config: {}", config.error().message);
        p.profiles.set_problem(config.error().message, std::chrono::system_clock::now());
    }

    // --- token persistence -------------------------------------------------------------
    p.own_store = std::make_shared<SessionStore>(options_.state_dir,
                                                 make_state_key_store(options_.state_dir));
    if (options_.aws_cache != AwsCacheMode::Off) {
        p.synced_store.emplace(
            p.own_store, std::make_shared<AwsCliCache>(options_.aws_cache == AwsCacheMode::SyncFull
                                                           ? AwsCliCache::Write::Full
                                                           : AwsCliCache::Write::TokenOnly));
        p.persistence =
            std::make_unique<PersistenceAdapter<sso::TokenPersistence, SyncedSessionStore>>(
                *p.synced_store);
    } else {
        p.persistence =
            std::make_unique<PersistenceAdapter<sso::TokenPersistence, SessionStore>>(*p.own_store);
    }

    const Clock& clock = RealClock::instance();
    p.sessions = std::make_unique<sso::SessionManager>(clock, *p.persistence,
                                                       sso::http_client_factory(clock));
    // A new token (login, renewal, import) clears failures of that session's roles at once.
    p.sessions->on_token_changed([&p](const TokenState& state) {
        asio::post(p.loop, [&p, session = state.session] {
            if (p.engine) p.engine->session_changed(session);
            p.update_session_end();  // a login, a renewal, or a refusal: the end moved
            // The next renewal time changed (a login, or a renewal): re-plan from it.
            if (p.renew_sessions && !p.stopping) p.renew_sessions();
        });
    });
    if (auto warnings = p.sessions->reload_config(p.profiles.config(), env_or_empty("AWS_PROFILE"));
        !warnings) {
        spdlog::error("{}", warnings.error().message);
    } else {
        for (const auto& w : *warnings) spdlog::warn("{}", w);
    }

    auto tokens = serve::EndpointTokens::open(options_.state_dir, clock);
    if (!tokens) {
        spdlog::error("endpoint tokens: {}", tokens.error().message);
        return 1;
    }
    p.tokens = std::move(*tokens);

    // Chained profiles (role_arn + source_profile) go through STS; SSO roles straight to
    // the SessionManager.
    p.chain = std::make_unique<sts::ChainFetcher>(*p.sessions, clock);
    p.chain->set_config(p.profiles.snapshot());
    p.engine = std::make_unique<CredentialEngine>(p.loop.get_executor(), p.upstream.get_executor(),
                                                  *p.chain, clock, EngineOptions{}, p.profiles,
                                                  options_.state_dir);
    if (auto active = p.engine->active_role())
        p.sessions->set_default_session(p.profiles.root_session(active->session));

    p.control_api = std::make_unique<ControlApi>(ControlContext{
        p.loop.get_executor(), p.control.get_executor(), *p.sessions, *p.engine, *p.tokens,
        p.metrics, p.profiles, options_.state_dir, aws_cache_mode_name(options_.aws_cache),
        p.started_at, std::string(platform::to_string(platform::detect_started_by()))});

    // --- listeners -----------------------------------------------------------------------
    serve::ServerOptions server_options;
    server_options.listen = options_.listen;
    server_options.allow_cidrs = options_.allow_cidrs;
    server_options.imds_v1 = options_.imds_v1;
    server_options.socket_path = options_.socket;
    server_options.state_dir = options_.state_dir;
    // Socket activation (systemd or launchd): each fd is the control socket or an HTTP
    // listener, by its name or by its family (platform/activation.hpp).
    bool adopted_http = false;
    auto activated = platform::activated_sockets();
    if (!activated) {
        spdlog::error("socket activation: {}", activated.error().message);
        return 1;
    }
    for (const auto& s : *activated) {
        server_options.adopted.push_back({s.fd, platform::to_string(s.role)});
        adopted_http = adopted_http || s.role == platform::SocketRole::Http;
        if (s.role == platform::SocketRole::Control && !s.unix_path.empty())
            server_options.socket_path = s.unix_path;  // reported by status as it really is
    }
    if (server_options.listen.empty() && !adopted_http)
        server_options.listen.push_back("127.0.0.1:9911");
    p.server = std::make_unique<serve::Server>(p.loop, server_options, *p.engine, *p.tokens,
                                               *p.control_api, p.metrics);
    auto bound = p.server->start();
    if (!bound) {
        spdlog::error("cannot listen: {}", bound.error().message);
        return 1;
    }
    p.control_api->set_endpoints(*bound);
    for (const auto& ep : bound->http)
        spdlog::info("serving credentials on http://{}:{}", ep.address, ep.port);
    spdlog::info("control socket {}", bound->control_socket.string());

    // --- timers and watchers ------------------------------------------------------------
    // Session renewal: SessionManager says when the next renewal is due; the blocking
    // refresh runs on the upstream pool and re-arms the timer from the loop.
    std::function<void(std::optional<SystemTime>)> arm_session_timer =
        [&](std::optional<SystemTime> next) {
            auto wait =
                std::chrono::duration_cast<std::chrono::steady_clock::duration>(kMaxSessionTimer);
            if (next) {
                auto until = *next - std::chrono::system_clock::now();
                wait = std::clamp<std::chrono::steady_clock::duration>(
                    std::chrono::duration_cast<std::chrono::steady_clock::duration>(until),
                    std::chrono::seconds(1), wait);
            }
            p.session_timer.expires_after(wait);
            p.session_timer.async_wait([&](boost::system::error_code ec) {
                if (!ec && !p.stopping) p.renew_sessions();
            });
        };
    p.renew_sessions = [&] {
        asio::post(p.upstream, [&] {
            auto next = p.sessions->refresh_due_sessions();
            asio::post(p.loop, [&, next] {
                if (p.stopping) return;
                arm_session_timer(next);
                p.update_session_end();
            });
        });
    };

    // Desktop notices about the sessions' ends; the D-Bus call blocks, so it runs on the
    // upstream pool.
    p.notifier = platform::make_desktop_notifier();
    p.session_end =
        std::make_unique<SessionEndNotices>(p.loop.get_executor(), [&](platform::DesktopNotice n) {
            asio::post(p.upstream, [&, n = std::move(n)] { p.notifier->notify(n); });
        });
    p.update_session_end();  // takes note of how the sessions are at start-up
    p.renew_sessions();

    p.clock_jumps =
        std::make_unique<ClockJumpDetector>(p.loop.get_executor(), [&](ClockEvent event) {
            spdlog::info("{}: renewing whatever went stale", event == ClockEvent::Resumed
                                                                 ? "resumed from suspend"
                                                                 : "wall clock changed");
            p.engine->on_clock_jump();
            p.renew_sessions();
        });
    if (auto st = p.clock_jumps->start(); !st)
        spdlog::warn("clock-jump detection off: {}", st.error().message);

    // AWS CLI cache: a token written by `aws sso login` (or an SDK's refresh) is imported.
    std::function<void()> watch_cache;
    if (options_.aws_cache != AwsCacheMode::Off) {
        auto watcher = AwsCliCacheWatcher::create(paths::aws_sso_cache_dir());
        if (watcher) {
            p.cache_watcher.emplace(std::move(*watcher));
            for (const auto& name : p.sessions->session_names())
                p.cache_watcher->watch_session(name);
            p.cache_watch_fd.emplace(p.loop, ::dup(p.cache_watcher->native_handle()));
            watch_cache = [&] {
                p.cache_watch_fd->async_wait(
                    asio::posix::stream_descriptor::wait_read, [&](boost::system::error_code ec) {
                        if (ec || p.stopping) return;
                        for (const auto& session : p.cache_watcher->drain()) {
                            asio::post(p.upstream, [&p, session] {
                                auto state = p.persistence->load(session);
                                if (state && *state) {
                                    auto taken = p.sessions->import_token(**state);
                                    if (taken && *taken)  // another tool's login or renewal
                                        asio::post(p.loop, [&p] { p.update_session_end(); });
                                }
                                // Deleted (`aws sso logout`, rm) while we are logged in: the
                                // file is written again, so the CLI and SDKs keep working.
                                // Our own write then finds it present: no loop.
                                if (p.synced_store && p.synced_store->cli_token_missing(session)) {
                                    if (auto r = p.sessions->rewrite_token(session); r && *r)
                                        spdlog::info(
                                            "SSO session {}: the AWS CLI cache file "
                                            "was deleted; written again",
                                            session);
                                }
                            });
                        }
                        watch_cache();
                    });
            };
            watch_cache();
        } else {
            spdlog::warn("not watching the AWS CLI cache: {}", watcher.error().message);
        }
    }

    // The AWS config: an edit (or SIGHUP) is read off the loop and applied here; a file that
    // does not parse keeps the last good version in service and is reported until fixed.
    p.config_reloader = std::make_unique<ConfigReloader>(
        p.loop.get_executor(), p.upstream.get_executor(), config_path,
        [&](Expected<config::AwsConfig> fresh) {
            const auto now = std::chrono::system_clock::now();
            if (!fresh) {
                if (!p.profiles.problem() || p.profiles.problem()->message != fresh.error().message)
                    spdlog::error("AWS config not applied, the last good version stays in use: {}",
                                  fresh.error().message);
                p.profiles.set_problem(fresh.error().message, now);
                platform::notify_ready("serving (the AWS config has an error)");
                return;
            }
            // The previous version is freed on a worker: tens of thousands of profiles take
            // a while to free (and wipe), and the loop serves meanwhile.
            auto previous = p.profiles.snapshot();
            p.profiles.replace(std::make_shared<const config::AwsConfig>(std::move(*fresh)), now);
            p.chain->set_config(p.profiles.snapshot());
            asio::post(p.upstream, [previous = std::move(previous)] {});
            if (auto w =
                    p.sessions->reload_config(p.profiles.config(), env_or_empty("AWS_PROFILE"));
                !w)
                spdlog::error("{}", w.error().message);
            else
                for (const auto& warning : *w) spdlog::warn("{}", warning);
            if (p.cache_watcher)
                for (const auto& name : p.sessions->session_names())
                    p.cache_watcher->watch_session(name);
            p.update_session_end();  // ssocred_session_duration / ssocred_notify_before
            spdlog::info("AWS config applied from {}", config_path.string());
            platform::notify_ready("serving");
        });
    if (auto st = p.config_reloader->start(); !st)
        spdlog::warn("not watching the AWS config (SIGHUP still reloads it): {}",
                     st.error().message);

    // Scoped token files are rotated so a leaked copy stops working.
    std::function<void()> rotate;
    rotate = [&] {
        p.rotation_timer.expires_after(kTokenFileRotation);
        p.rotation_timer.async_wait([&](boost::system::error_code ec) {
            if (ec || p.stopping) return;
            if (auto st =
                    p.tokens->rotate_files(std::chrono::duration_cast<Seconds>(kTokenFileGrace));
                !st)
                spdlog::warn("token file rotation: {}", st.error().message);
            rotate();
        });
    };
    rotate();

    std::function<void()> ping_watchdog;
    if (auto interval = platform::watchdog_ping_interval()) {
        ping_watchdog = [&, interval] {
            platform::notify_watchdog();
            p.watchdog_timer.expires_after(*interval);
            p.watchdog_timer.async_wait([&](boost::system::error_code ec) {
                if (!ec && !p.stopping) ping_watchdog();
            });
        };
        ping_watchdog();
    }

    // --- signals ---------------------------------------------------------------------------
    p.signals.add(SIGTERM);
    p.signals.add(SIGINT);
    p.signals.add(SIGHUP);
    std::function<void()> wait_signal;
    wait_signal = [&] {
        p.signals.async_wait([&](boost::system::error_code ec, int sig) {
            if (ec) return;
            if (sig == SIGHUP) {
                platform::notify_reloading("re-reading the AWS config");
                p.config_reloader->reload();
                wait_signal();
                return;
            }
            spdlog::info("stopping (signal {})", sig);
            platform::notify_stopping();
            p.stopping = true;
            p.server->stop();
            p.session_timer.cancel();
            p.session_end->stop();
            p.watchdog_timer.cancel();
            p.rotation_timer.cancel();
            p.clock_jumps->stop();
            p.config_reloader->stop();
            if (p.cache_watch_fd) p.cache_watch_fd->close();
            p.engine->clear();  // wipes every cached credential before we go
            // Connections finish their responses; then nothing is left and run() returns.
            // Work still queued by the engine's timers does not hold us past this point.
            auto drain = std::make_shared<asio::steady_timer>(p.loop, std::chrono::seconds(5));
            drain->async_wait([&, drain](boost::system::error_code) { p.loop.stop(); });
            asio::post(p.loop, [&, drain] {
                if (p.server->connection_count() == 0) p.loop.stop();
            });
        });
    };
    wait_signal();

    platform::notify_ready("serving");
    spdlog::info("ssocredd {} ready", kVersion);
    p.loop.run();
    p.upstream.join();
    p.control.join();
    spdlog::info("stopped");
    return 0;
}

}  // namespace ssocred
