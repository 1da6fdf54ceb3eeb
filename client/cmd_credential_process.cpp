// `ssocred credential-process`: the AWS config's credential_process hook (PROTOCOLS.md
// §6.4). stdout carries only the Version 1 JSON; any failure is one sentence on stderr.
#include <ostream>

#include "commands.hpp"
#include "context.hpp"
#include "json_util.hpp"
#include "profile_choice.hpp"
#include "signin.hpp"

namespace ssocred::cli {

int cmd_credential_process(Context& ctx, const Args& args) {
    const ProfileChoice choice = choose_profile(args, process_env());
    std::string target = "/v1/credentials";
    if (choice.profile) target += "?profile=" + url_encode(*choice.profile);
    auto fetch = [&] {
        auto creds = ctx.client().get(target);
        // The AWS CLI runs credential_process with AWS_PROFILE naming the profile that holds
        // the `credential_process` line; such a profile (`credential_process = ssocred
        // credential-process`) names no role of its own, and then the active role is meant.
        // A profile that does not exist never gets here: the AWS CLI stops first.
        if (!creds && choice.from == ProfileChoice::From::Environment &&
            creds.error().code == ErrorCode::NotFound)
            creds = ctx.client().get("/v1/credentials");
        return creds;
    };
    auto creds = fetch();
    if (!creds && needs_signin(creds.error())) {
        // Signs in on the terminal when there is one (or with --auto-login), never on
        // stdout. The policy is made only now: it opens /dev/tty, which the everyday call
        // (one request, on every AWS CLI command) has no use for.
        const SigninPolicy policy = credential_process_signin_policy(ctx, args, process_env());
        if (auto signed_in = sign_in_for(ctx, policy, creds.error()); !signed_in)
            creds = std::move(signed_in).error();
        else
            creds = fetch();
    }
    if (!creds) return report(ctx, explain_profile_choice(choice, creds.error()));

    auto key = opt_str(*creds, "AccessKeyId");
    auto secret = opt_str(*creds, "SecretAccessKey");
    if (!key || !secret)
        return report(
            ctx, Error::make(ErrorCode::BadResponse, "ssocredd returned credentials without keys"));
    // Rebuilt rather than passed through, so the output is exactly the documented shape.
    json out = {{"Version", 1}, {"AccessKeyId", *key}, {"SecretAccessKey", *secret}};
    if (auto t = opt_str(*creds, "SessionToken")) out["SessionToken"] = *t;
    if (auto e = opt_str(*creds, "Expiration")) out["Expiration"] = *e;
    if (auto a = opt_str(*creds, "AccountId")) out["AccountId"] = *a;
    ctx.out << out.dump() << '\n';
    return kExitOk;
}

}  // namespace ssocred::cli
