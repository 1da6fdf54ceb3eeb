#include "env_source.hpp"

#include <unistd.h>

#include "ssocred/listener_owner.hpp"

#include "json_util.hpp"

namespace ssocred::cli {

Expected<PreparedEnv> prepare_env(const ControlClient& client, const EnvRequest& req,
                                  std::string_view label, const EnvLookup& env) {
    auto endpoint_json = client.get("/v1/endpoint");
    if (!endpoint_json) return std::move(endpoint_json).error();
    const EndpointInfo endpoint = EndpointInfo::from_json(*endpoint_json);
    // Before minting: a refused request must not leave a scoped token behind.
    if (auto st = check_listeners(req, endpoint); !st) return std::move(st).error();
    // Never point SDKs at a port another user holds (issue 16 item 2, listener_owner.hpp).
    for (const auto& l : endpoint.http)
        if (auto st = check_listener_owner(l.address, l.port, ::getuid()); !st)
            return std::move(st).error();

    PreparedEnv prepared;
    if (needs_scoped_token(req)) {
        json active = nullptr;
        if (!req.profile && req.container) {  // scoped to the role active now
            auto a = client.get("/v1/active");
            if (!a) return std::move(a).error();
            active = member(*a, "active");
            if (!active.is_object())
                return Error::make(
                    ErrorCode::NotFound,
                    "no active role: choose one with `ssocred use`, or pass --profile");
        }
        auto minted = client.call("POST", "/v1/tokens", scoped_token_request(req, active, label));
        if (!minted) return std::move(minted).error();
        prepared.minted = ScopedToken::from_json(*minted);
        if (prepared.minted->account_id.empty() && active.is_object()) {
            prepared.minted->account_id = str(active, "account_id");
            prepared.minted->role_name = str(active, "role_name");
        }
    }
    auto plan = compose_env(req, endpoint, prepared.minted, env);
    if (!plan) return std::move(plan).error();
    prepared.plan = std::move(*plan);
    return prepared;
}

nlohmann::json env_request_body(const EnvRequest& req, std::string_view label) {
    nlohmann::json body = nlohmann::json::object();
    if (req.profile) body["profile"] = *req.profile;
    if (req.imds) body["imds"] = true;
    if (req.container) body["container"] = true;
    // Containers read the token from a mounted file; docker cannot pass a rotating value.
    if (!req.imds) body["file"] = req.container || req.token_file;
    if (req.ttl_seconds)
        body["ttl_seconds"] = *req.ttl_seconds;
    else if (!req.imds)
        body["idle_seconds"] = kTokenIdleSeconds;
    if (req.bind_to_client) body["bind_to_client"] = true;
    body["label"] = std::string(label);
    return body;
}

bool is_unknown_endpoint(const Error& error) {
    // The daemon's router answers 404 with this message for a path it has no route for; a
    // 404 about a profile or a role says something else.
    return error.http_status == 404 && error.message.rfind("no such control endpoint", 0) == 0;
}

Expected<PreparedEnv> request_env(const ControlClient& client, const EnvRequest& req,
                                  std::string_view label, const EnvLookup& env) {
    // The combinations the daemon would refuse anyway are refused without asking it.
    if (auto st = check_env_request(req); !st) return std::move(st).error();
    auto answer = client.call("POST", "/v1/env", env_request_body(req, label));
    if (!answer) return std::move(answer).error();
    // The answer has GET /v1/endpoint's members (without the main token, which env never
    // exports) and, under `minted`, POST /v1/tokens's answer with the value beside it.
    const EndpointInfo endpoint = EndpointInfo::from_json(*answer);
    PreparedEnv prepared;
    if (const auto& minted = member(*answer, "minted"); minted.is_object()) {
        prepared.minted = ScopedToken::from_json(minted);
        prepared.minted->token = opt_str(*answer, "minted_token");
    }
    auto plan = compose_env(req, endpoint, prepared.minted, env);
    if (!plan) return std::move(plan).error();
    prepared.plan = std::move(*plan);
    // A config file that no longer parses (its last good version is in use): said on stderr
    // with the plan's other warnings, as `list` and `use` say it.
    if (auto note = opt_str(*answer, "config_error")) prepared.plan.warnings.push_back(*note);
    return prepared;
}

}  // namespace ssocred::cli
