// Asks the daemon for what `env` and `exec` need and composes the plan (env_plan.hpp):
// in one request (POST /v1/env), or, from a daemon older than that endpoint, in the three
// of before (GET /v1/credentials to sign in first, GET /v1/endpoint, POST /v1/tokens).
#pragma once

#include <optional>
#include <string_view>

#include "control_client.hpp"
#include "env_plan.hpp"

namespace ssocred::cli {

struct PreparedEnv {
    EnvPlan plan;
    std::optional<ScopedToken> minted;  // the scoped token created for this call, if any
};

// The three-request form (GET /v1/endpoint, then POST /v1/tokens; the caller signs in first
// with ensure_signed_in): for daemons without POST /v1/env.
Expected<PreparedEnv> prepare_env(const ControlClient& client, const EnvRequest& req,
                                  std::string_view label, const EnvLookup& env);

// One request, POST /v1/env: the daemon makes the listener checks, fetches the role's
// credentials (a session that needs a login answers `login_required`: run it under
// with_signin) and mints the token, in that order. Errors as the daemon gives them; a daemon
// without the endpoint gives one that is_unknown_endpoint recognises.
Expected<PreparedEnv> request_env(const ControlClient& client, const EnvRequest& req,
                                  std::string_view label, const EnvLookup& env);

// The daemon does not know the endpoint asked for (it is older than this client).
bool is_unknown_endpoint(const Error& error);

// The POST /v1/env body.
nlohmann::json env_request_body(const EnvRequest& req, std::string_view label);

}  // namespace ssocred::cli
