// ControlApi: docs/control-api.md on top of the daemon's parts.
//
// Threading: handle() runs on the event loop. Anything that may block on upstream I/O
// (logout, account listings) runs on the `blocking` executor and answers from there (a
// Responder may be called from any thread); the engine is touched only on the loop, so
// results that change it are posted back to `loop` first. Logins never take a `blocking`
// worker: each runs its upstream calls on its own thread (sso::LoginTask), and both the
// first answer of POST /v1/login (waiting for the URL) and the long polls on a login are
// parked on the loop (control/login_polls.hpp).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <nlohmann/json.hpp>

#include "config_profiles.hpp"
#include "control/client_bound_tokens.hpp"
#include "control/login_polls.hpp"
#include "creds/credential_engine.hpp"
#include "serve/control_handler.hpp"
#include "serve/endpoint_tokens.hpp"
#include "serve/metrics.hpp"
#include "serve/server_options.hpp"
#include "sso/session_manager.hpp"

namespace ssocred {

struct ControlContext {
    boost::asio::any_io_executor loop;
    boost::asio::any_io_executor blocking;  // upstream calls
    sso::SessionManager& sessions;
    CredentialEngine& engine;
    serve::EndpointTokens& tokens;
    serve::Metrics& metrics;
    const ConfigProfiles& profiles;
    std::filesystem::path state_dir;
    std::string aws_cache_mode;  // "sync" | "sync-full" | "off"
    std::chrono::system_clock::time_point started_at;
    std::string started_by;  // platform/service_manager.hpp: "systemd", "ssocred", ...
    const Clock* clock = &RealClock::instance();  // uptime, TTLs, the console's HTTP client
};

class ControlApi final : public serve::ControlHandler {
  public:
    explicit ControlApi(ControlContext context)
        : ctx_(std::move(context)), bound_(ctx_.loop, ctx_.tokens), polls_(ctx_.loop) {
        bound_.resume();
    }
    // Set once the server is bound (the endpoints are part of status and env answers).
    void set_endpoints(serve::BoundEndpoints endpoints) { endpoints_ = std::move(endpoints); }

    void handle(const serve::Request& request, serve::Responder respond) override;

    // The daemon is stopping: long polls still parked are answered now, so their
    // connections can close instead of holding the drain.
    void stop() { polls_.answer_all(); }

  private:
    void status(serve::Responder respond);
    void metrics(serve::Responder respond);
    void start_login(const serve::Request& request, serve::Responder respond);
    void get_login(const std::string& id, const serve::Request& request, serve::Responder respond);
    void cancel_login(const std::string& id, serve::Responder respond);
    void logout(const serve::Request& request, serve::Responder respond);
    void accounts(const serve::Request& request, serve::Responder respond);
    void get_active(serve::Responder respond);
    void set_active(const serve::Request& request, serve::Responder respond);
    void credentials(const serve::Request& request, serve::Responder respond);
    void endpoint(serve::Responder respond);
    // POST /v1/env (control/env_route.cpp): what `ssocred env` needs, in one answer.
    void env(const serve::Request& request, serve::Responder respond);
    Status check_env_listeners(bool container) const;
    void console(const serve::Request& request, serve::Responder respond);
    void mint_token(const serve::Request& request, serve::Responder respond);
    void list_tokens(serve::Responder respond);
    void mint_active_token(const serve::Request& request, const nlohmann::json& body,
                           serve::Responder respond);
    static Expected<std::optional<UniqueFd>> client_exit_fd(const serve::Request& request,
                                                            const nlohmann::json& body);
    void rotate_main_token(serve::Responder respond);
    void revoke_token(const std::string& id, serve::Responder respond);
    nlohmann::json active_role_region() const;

    ControlContext ctx_;
    ClientBoundTokens bound_;  // after ctx_: it uses the loop and the tokens
    LoginPolls polls_;         // POST /v1/login and GET /v1/login/{id}?wait=N still waiting
    serve::BoundEndpoints endpoints_;
};

}  // namespace ssocred
