// POST /v1/env: everything `ssocred env` needs in one round trip (docs/control-api.md,
// issue 18). `env` used to ask three times (GET /v1/credentials to sign in first when the
// role's session needs it, GET /v1/endpoint, POST /v1/tokens); each request is a connect, a
// fork-free but not free exchange, and the CLI is on shells' start-up path.
//
// The order is the one the CLI kept: nothing is minted before every refusal has been made.
// The listener checks the CLI made on GET /v1/endpoint's answer (a listener SDKs can reach;
// every listener held by our own uid, docs/security.md "Port squatting") are made here,
// where the listeners are known without a round trip; then the role's credentials are
// fetched (a `login_required` answer makes the CLI sign in and ask once more, as it did
// after GET /v1/credentials); then the token is minted.
#include <memory>
#include <unistd.h>

#include <boost/asio/post.hpp>

#include "ssocred/env_listeners.hpp"
#include "ssocred/json_fields.hpp"
#include "ssocred/listener_owner.hpp"
#include "ssocred/wire_error.hpp"

#include "control/control_api.hpp"
#include "control/control_internal.hpp"
#include "control/control_json.hpp"
#include "serve/peer_identity.hpp"

namespace ssocred {
namespace {

using nlohmann::json;
namespace ci = control_internal;

constexpr std::string_view kContainerHost = "169.254.170.2";

using control_internal::invalid;

bool is_loopback(std::string_view a) {
    return a.starts_with("127.") || a == "::1" || a == "localhost";
}

// The CLI's check (ssocred/listener_owner.hpp), made by the daemon: its uid is the CLI's (the
// CLI checked the control socket's peer), so "held by us" means the same.
Status check_owner(const serve::HttpEndpoint& listener) {
    return check_listener_owner(listener.address, listener.port, ::geteuid());
}

}  // namespace

// The CLI's check_listeners (client/env_plan.cpp), with the same messages.
Status ControlApi::check_env_listeners(bool container) const {
    const serve::HttpEndpoint* loopback = nullptr;
    const serve::HttpEndpoint* for_containers = nullptr;
    for (const auto& l : endpoints_.http) {
        if (loopback == nullptr && is_loopback(l.address)) loopback = &l;
        if (l.address == kContainerHost || (for_containers == nullptr && l.address == "0.0.0.0"))
            for_containers = &l;
    }
    if (container && for_containers == nullptr)
        return no_container_listener_error(loopback != nullptr ? std::optional(loopback->port)
                                                               : std::nullopt);
    if (!container && loopback == nullptr) return no_loopback_listener_error();
    for (const auto& l : endpoints_.http)
        if (auto st = check_owner(l); !st) return st;
    return ok();
}

// {"profile"?: P, "imds"?: bool, "container"?: bool, "file"?: bool, "ttl_seconds"?: N |
// "idle_seconds"?: N, "label"?: S, "bind_to_client"?: bool}
void ControlApi::env(const serve::Request& request, serve::Responder respond) {
    auto body = ci::request_body(request);
    if (!body) return ci::fail_with(respond, body.error());
    const bool imds = jf::bool_member(*body, "imds").value_or(false);
    const bool container = jf::bool_member(*body, "container").value_or(false);
    const bool file = jf::bool_member(*body, "file").value_or(false);
    const std::string profile = jf::string_member(*body, "profile").value_or("");
    if (imds && (!profile.empty() || file))
        return ci::fail_with(
            respond,
            invalid("--imds serves the active role without a token: drop --profile/--token-file"));
    if (imds && container)
        return ci::fail_with(respond,
                             invalid("the metadata endpoint has no token, so ssocredd serves it "
                                     "on loopback to your own processes only; containers use "
                                     "the container endpoint: drop --imds"));
    // The endpoint itself refuses every peer where TCP owners cannot be told apart (the
    // portable build's generic layer, serve/router.cpp): printing its address would only
    // move the failure into the SDK, far from the command that caused it.
    if (imds && tcp_owner_visibility() == TcpOwnerVisibility::None)
        return ci::fail_with(
            respond,
            Error::make(ErrorCode::Forbidden,
                        "the metadata endpoint is off in this build: it serves only processes "
                        "of the user running ssocredd, and this build (portable) cannot tell "
                        "which user owns a TCP connection. Use the container endpoint, which "
                        "takes a token: `ssocred env` without --imds (docs/endpoints.md)"));
    auto lifetime = ci::token_lifetime(*body);
    if (!lifetime) return ci::fail_with(respond, lifetime.error());
    if (!lifetime->ttl && !lifetime->idle) lifetime->idle = serve::EndpointTokens::kDefaultIdle;

    // Refusals first: a refused request must not leave a token behind.
    if (auto st = check_env_listeners(container); !st) return ci::fail_with(respond, st.error());
    const ConfigHealth health = ctx_.profiles.health();
    std::optional<NamedRole> role;  // none: no profile and no active role (env follows `use`)
    if (!profile.empty()) {
        auto named = ci::named_role(ctx_.engine, ctx_.sessions, ctx_.profiles, profile, false);
        if (!named) return ci::fail_with(respond, health.explain(named.error()));
        role = std::move(*named);
    } else if (auto active = ctx_.engine.active_role()) {
        // The profile that names the role, as POST /v1/tokens answers for account+role.
        role = NamedRole{*active, ctx_.profiles.profile_for(*active)};
    } else if (container) {
        return ci::fail_with(respond,
                             Error::make(ErrorCode::NotFound,
                                         "no active role: choose one with `ssocred use`, or "
                                         "pass --profile"));
    }
    // Opened before the token exists: a client already gone gets none.
    std::shared_ptr<UniqueFd> exit_fd;
    std::optional<long long> bound_pid;
    if (!imds) {
        auto fd = client_exit_fd(request, *body);
        if (!fd) return ci::fail_with(respond, fd.error());
        if (*fd) {
            exit_fd = std::make_shared<UniqueFd>(std::move(**fd));
            bound_pid = request.peer_pid;
        }
    }

    struct Plan {
        bool imds, scoped, file;
        std::optional<NamedRole> role;
        serve::TokenLifetime lifetime;
        std::string label;
        std::shared_ptr<UniqueFd> exit_fd;
        std::optional<long long> bound_pid;
        ConfigHealth health;
    };
    auto plan = std::make_shared<Plan>(Plan{
        imds, !profile.empty() || container, file, role, *lifetime,
        jf::string_member(*body, "label").value_or(""), std::move(exit_fd), bound_pid, health});

    auto answer = [this, plan, respond](const Error* fetch_error) {
        // As GET /v1/credentials: a session that needs a login says so, and the CLI signs in
        // and asks again; any other failure shows later, where the SDK asks.
        if (fetch_error != nullptr && wire_error_for(fetch_error->code) == WireError::LoginRequired)
            return ci::fail_with(respond, *fetch_error);
        json http = json::array();
        for (const auto& ep : endpoints_.http)
            http.push_back({{"address", ep.address}, {"port", ep.port}});
        json active = nullptr;
        if (auto a = ctx_.engine.active_role())
            active = control_json::role(*a, ctx_.engine.active_profile());
        json j = {{"http", std::move(http)},
                  {"region", active_role_region()},
                  {"active", std::move(active)},
                  {"minted", nullptr}};
        if (auto note = plan->health.note()) j["config_error"] = *note;
        if (plan->imds) return respond(ci::secret_json(200, std::move(j), {}));

        // A role token for --profile and --container, else an active-role token.
        const bool scoped = plan->scoped;  // then `role` is set: refused above without one
        Expected<serve::MintedToken> minted =
            scoped
                ? ctx_.tokens.mint(plan->role->role, plan->lifetime, plan->file, plan->label,
                                   plan->bound_pid)
                : ctx_.tokens.mint_active(plan->lifetime, plan->file, plan->label, plan->bound_pid);
        if (!minted) return ci::fail_with(respond, minted.error());
        if (plan->exit_fd) bound_.watch(minted->info.id, std::move(*plan->exit_fd));
        json token = control_json::scoped_token(minted->info);
        if (scoped) {
            token["role"] = control_json::role(plan->role->role, plan->role->profile);
            token["region"] = nullptr;
            if (plan->role->profile)
                if (auto r = ctx_.profiles.profile_region(*plan->role->profile))
                    token["region"] = *r;
            const auto active_now = ctx_.engine.active_role();
            token["active"] = active_now && *active_now == plan->role->role;
        }
        j["minted"] = std::move(token);
        respond(ci::secret_json(200, std::move(j), {{"minted_token", minted->token.reveal()}}));
        // The token's record is on disk (the kernel's, not yet the device's): syncing it is
        // left to a worker, off the reply (serve/endpoint_tokens.hpp, docs/storage.md).
        if (auto sync = ctx_.tokens.deferred_sync())
            boost::asio::post(ctx_.blocking, std::move(sync));
    };
    if (!role) return answer(nullptr);
    ctx_.engine.get(role->role, [answer](Expected<CredentialsPtr> result) {
        answer(result ? nullptr : &result.error());
    });
}

}  // namespace ssocred
