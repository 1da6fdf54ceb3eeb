// Which profile a command serves, as the AWS CLI decides it: `--profile` first, then
// `AWS_PROFILE`, then (no profile) the daemon's active role (DESIGN.md "Client").
#pragma once

#include <optional>
#include <string>

#include "ssocred/expected.hpp"

#include "args.hpp"
#include "env_plan.hpp"
#include "env_source.hpp"

namespace ssocred::cli {

struct Context;

struct ProfileChoice {
    enum class From { Flag, Environment, ActiveRole };
    std::optional<std::string> profile;  // none: the active role
    From from = From::ActiveRole;
};

// An empty AWS_PROFILE counts as unset (shells leave `AWS_PROFILE=` behind).
ProfileChoice choose_profile(const Args& args, const EnvLookup& env);

// Says on stderr that AWS_PROFILE chose the role, unless it is the active role anyway.
void say_profile_choice(Context& ctx, const ProfileChoice& choice, const PreparedEnv& prepared);

// An error about a profile that came from AWS_PROFILE says so, and how to do without it.
Error explain_profile_choice(const ProfileChoice& choice, Error error);

}  // namespace ssocred::cli
