#include "daemon.hpp"

#include <cerrno>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "ssocred/errno_text.hpp"
#include "ssocred/paths.hpp"
#include "ssocred/version.hpp"

#include "daemon_parts.hpp"
#include "jobs/jobs.hpp"
#include "platform/activation.hpp"
#include "platform/process_hardening.hpp"
#include "platform/service_manager.hpp"
#include "platform/systemd.hpp"
#include "store/atomic_file.hpp"
#include "store/aws_cli_cache.hpp"
#include "store/secret_store.hpp"

namespace ssocred {
namespace asio = boost::asio;

namespace {

// The AWS config at start-up. A broken one must not keep the daemon down: it runs, and
// says why it has no sessions (status, doctor, every command that needs the config) until
// the file is fixed.
void load_config(DaemonParts& p) {
    if (auto config = config::load_aws_config(paths::aws_config_file())) {
        p.profiles.replace(std::make_shared<const config::AwsConfig>(std::move(*config)),
                           p.clock.now());
    } else {
        spdlog::error("AWS config: {}", config.error().message);
        p.profiles.set_problem(config.error().message, p.clock.now());
    }
}

// Where tokens are kept: our own store, mirrored into the AWS CLI cache unless that is off.
void open_persistence(DaemonParts& p, const DaemonOptions& options) {
    p.own_store =
        std::make_shared<SessionStore>(options.state_dir, make_state_key_store(options.state_dir));
    if (options.aws_cache != AwsCacheMode::Off) {
        p.synced_store.emplace(
            p.own_store, std::make_shared<AwsCliCache>(options.aws_cache == AwsCacheMode::SyncFull
                                                           ? AwsCliCache::Write::Full
                                                           : AwsCliCache::Write::TokenOnly));
        p.persistence = &*p.synced_store;
    } else {
        p.persistence = p.own_store.get();
    }
}

// The parts that hold state: sessions, endpoint tokens, the credential engine (chained
// profiles go through STS, SSO roles straight to the SessionManager), the control API.
bool create_parts(DaemonParts& p, const DaemonOptions& options) {
    load_config(p);
    open_persistence(p, options);
    p.sessions = std::make_unique<sso::SessionManager>(p.clock, *p.persistence,
                                                       sso::http_client_factory(p.clock));
    // A new token (login, renewal, import) clears failures of that session's roles at once.
    p.sessions->on_token_changed(
        [&p](const TokenState& state) { jobs::on_token_changed(p, state.session); });
    jobs::reload_sessions(p);

    auto tokens = serve::EndpointTokens::open(options.state_dir, p.clock);
    if (!tokens) {
        spdlog::error("endpoint tokens: {}", tokens.error().message);
        return false;
    }
    p.tokens = std::move(*tokens);
    p.chain = std::make_unique<sts::ChainFetcher>(*p.sessions, p.clock);
    p.chain->set_config(p.profiles.snapshot());
    p.engine = std::make_unique<CredentialEngine>(p.loop.get_executor(), p.upstream.get_executor(),
                                                  *p.chain, p.clock, EngineOptions{}, p.profiles,
                                                  options.state_dir);
    if (auto active = p.engine->active_role())
        p.sessions->set_default_session(p.profiles.root_session(active->session));
    p.control_api = std::make_unique<ControlApi>(ControlContext{
        p.loop.get_executor(), p.control.get_executor(), *p.sessions, *p.engine, *p.tokens,
        p.metrics, p.profiles, options.state_dir, aws_cache_mode_name(options.aws_cache),
        p.started_at, std::string(platform::to_string(platform::detect_started_by())), &p.clock});
    return true;
}

// The listeners: --listen, the control socket, and whatever the service manager activated
// (each fd is the control socket or an HTTP listener, by its name or its family).
bool start_server(DaemonParts& p, const DaemonOptions& options) {
    serve::ServerOptions server_options;
    server_options.listen = options.listen;
    server_options.allow_cidrs = options.allow_cidrs;
    server_options.imds_v1 = options.imds_v1;
    server_options.socket_path = options.socket;
    server_options.state_dir = options.state_dir;
    server_options.clock = &p.clock;
    bool adopted_http = false;
    auto activated = platform::activated_sockets();
    if (!activated) {
        spdlog::error("socket activation: {}", activated.error().message);
        return false;
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
        return false;
    }
    p.control_api->set_endpoints(*bound);
    for (const auto& ep : bound->http)
        spdlog::info("serving credentials on http://{}:{}", ep.address, ep.port);
    spdlog::info("control socket {}", bound->control_socket.string());
    return true;
}

// What watches the world for the jobs: desktop notices of sessions' ends (the D-Bus call
// blocks: it runs on the upstream pool), clock jumps, the AWS CLI cache, the AWS config.
void start_watchers(DaemonParts& p, const DaemonOptions& options) {
    p.notifier = platform::make_desktop_notifier();
    p.session_end =
        std::make_unique<SessionEndNotices>(p.loop.get_executor(), [&p](platform::DesktopNotice n) {
            asio::post(p.upstream, [&p, n = std::move(n)] { p.notifier->notify(n); });
        });
    p.update_session_end();  // takes note of how the sessions are at start-up

    p.clock_jumps = std::make_unique<ClockJumpDetector>(
        p.loop.get_executor(), [&p](ClockEvent event) { jobs::on_clock_jump(p, event); });
    if (auto st = p.clock_jumps->start(); !st)
        spdlog::warn("clock-jump detection off: {}", st.error().message);

    if (options.aws_cache != AwsCacheMode::Off) {
        if (auto watcher = AwsCliCacheWatcher::create(paths::aws_sso_cache_dir())) {
            p.cache_watcher.emplace(std::move(*watcher));
            for (const auto& name : p.sessions->session_names())
                p.cache_watcher->watch_session(name);
            // stream_descriptor closes what it owns, and the watcher owns its descriptor.
            if (const int fd = ::dup(p.cache_watcher->native_handle()); fd >= 0) {
                p.cache_watch_fd.emplace(p.loop, fd);
            } else {
                const int err = errno;
                spdlog::warn("not watching the AWS CLI cache: {}", errno_text(err));
                p.cache_watcher.reset();
            }
        } else {
            spdlog::warn("not watching the AWS CLI cache: {}", watcher.error().message);
        }
    }

    p.config_reloader = std::make_unique<ConfigReloader>(
        p.loop.get_executor(), p.upstream.get_executor(), paths::aws_config_file(),
        [&p](Expected<config::AwsConfig> fresh) { jobs::apply_config(p, fresh); });
    if (auto st = p.config_reloader->start(); !st)
        spdlog::warn("not watching the AWS config (SIGHUP still reloads it): {}",
                     st.error().message);
}

}  // namespace

Daemon::Daemon(DaemonOptions options) : options_(std::move(options)) {}
Daemon::~Daemon() {
    if (parts_) {
        parts_->upstream.join();
        parts_->control.join();
    }
}

// Create, start, notify, loop (systemd-resolved's run() is the model).
int Daemon::run() {
    if (auto st = harden_process(); !st)
        spdlog::warn("process hardening incomplete: {}", st.error().message);
    if (auto st = ensure_private_dir(options_.state_dir); !st) {
        spdlog::error("state directory: {}", st.error().message);
        return 1;
    }
    parts_ = std::make_unique<DaemonParts>(RealClock::instance());
    DaemonParts& p = *parts_;
    if (!create_parts(p, options_) || !start_server(p, options_)) return 1;
    start_watchers(p, options_);
    jobs::spawn_jobs(p);

    platform::notify_ready("serving");
    spdlog::info("ssocredd {} ready", kVersion);
    p.loop.run();
    p.upstream.join();
    p.control.join();
    spdlog::info("stopped");
    return 0;
}

}  // namespace ssocred
