// Asks the daemon for what `env` and `exec` need (GET /v1/endpoint, a scoped token via
// POST /v1/tokens when required) and composes the plan (env_plan.hpp).
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

Expected<PreparedEnv> prepare_env(const ControlClient& client, const EnvRequest& req,
                                  std::string_view label, const EnvLookup& env);

}  // namespace ssocred::cli
