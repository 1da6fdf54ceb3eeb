#include "profile_choice.hpp"

#include <ostream>

#include "context.hpp"

namespace ssocred::cli {

ProfileChoice choose_profile(const Args& args, const EnvLookup& env) {
    if (auto p = args.get("--profile")) return {*p, ProfileChoice::From::Flag};
    if (auto p = env("AWS_PROFILE"); p && !p->empty())
        return {*p, ProfileChoice::From::Environment};
    return {};
}

void say_profile_choice(Context& ctx, const ProfileChoice& choice, const PreparedEnv& prepared) {
    if (choice.from != ProfileChoice::From::Environment) return;
    if (prepared.minted && prepared.minted->active) return;  // the active role anyway
    ctx.err << "ssocred: using profile " << *choice.profile
            << " from AWS_PROFILE, not the active role\n";
}

Error explain_profile_choice(const ProfileChoice& choice, Error error) {
    if (choice.from != ProfileChoice::From::Environment) return error;
    // Only errors about the profile: "ssocredd is not running" is not AWS_PROFILE's fault.
    if (error.code != ErrorCode::NotFound && error.code != ErrorCode::Invalid) return error;
    error.message = "AWS_PROFILE=" + *choice.profile + ": " + error.message +
                    " (unset AWS_PROFILE to use the active role, or pass --profile)";
    return error;
}

}  // namespace ssocred::cli
