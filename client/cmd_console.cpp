// `ssocred console`: the AWS console for a role, as `aws-vault login` and `granted assume -c`
// open it. The daemon makes the federation call (POST /v1/console), so the role's secret key
// never reaches this process; the login URL it returns holds a SigninToken, a bearer
// credential for the console: it is printed only when asked for (--url, --json).
#include <algorithm>
#include <optional>
#include <ostream>
#include <string>

#include "commands.hpp"
#include "context.hpp"
#include "env_plan.hpp"
#include "json_util.hpp"
#include "process.hpp"
#include "profile_choice.hpp"
#include "role_rows.hpp"
#include "signin.hpp"

namespace ssocred::cli {
namespace {

bool truthy(std::optional<std::string> v) {
    if (!v) return false;
    std::transform(v->begin(), v->end(), v->begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return *v == "true";
}

}  // namespace

int cmd_console(Context& ctx, const Args& args) {
    const EnvLookup env = process_env();
    json body = json::object();
    ProfileChoice choice;
    if (!args.positional().empty()) {
        const std::string& what = args.positional()[0];
        if (args.has("--profile"))
            return usage(ctx, "console", "give --profile or a role argument, not both");
        if (is_account_role(what)) {
            body["account_id"] = what.substr(0, 12);
            body["role_name"] = what.substr(13);
            if (auto s = args.get("--sso-session")) body["sso_session"] = *s;
        } else {
            choice = {what, ProfileChoice::From::Flag};
        }
    } else {
        choice = choose_profile(args, env);
    }
    if (args.has("--sso-session") && !body.contains("account_id"))
        return usage(ctx, "console", "--sso-session goes with ACCOUNT_ID/ROLE_NAME");
    if (choice.profile) body["profile"] = *choice.profile;
    if (auto d = args.get("--destination")) body["destination"] = *d;
    if (auto r = args.get("--region")) body["region"] = *r;
    // As the SDKs read AWS_ENDPOINT_URL_<SERVICE>: a base URL, "/federation" appended.
    if (!truthy(env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")))
        if (auto s = env("AWS_ENDPOINT_URL_SIGNIN"); s && !s->empty()) body["signin_endpoint"] = *s;

    // The one place the daemon is asked (credentials may need a login first).
    auto r = with_signin(ctx, signin_policy(args, env),
                         [&] { return ctx.client().call("POST", "/v1/console", body); });
    if (!r) return report(ctx, explain_profile_choice(choice, r.error()));
    warn_config_error(ctx, *r);
    const std::string url = str(*r, "url");
    if (url.empty())
        return report(ctx, Error::make(ErrorCode::BadResponse,
                                       "ssocredd answered without a console login URL"));
    if (ctx.global.json) {
        print_json(ctx.out, *r);
        return kExitOk;
    }
    if (args.has("--url")) {
        ctx.out << url << '\n';
        return kExitOk;
    }
    if (!open_in_browser(url))
        return report(ctx, Error::make(ErrorCode::Invalid,
                                       "could not open a browser here (no xdg-open/open, or no "
                                       "graphical session); `ssocred console --url` prints the "
                                       "sign-in URL to open elsewhere (it is valid for 15 "
                                       "minutes; treat it as a password)"));
    const json& role = member(*r, "role");
    ctx.out << "Opened the AWS console for " << ctx.style.bold(describe_role(role));
    if (auto region = opt_str(*r, "region")) ctx.out << " in " << *region;
    ctx.out << '\n';
    if (auto expiration = opt_str(*r, "expiration"))
        ctx.out << "The role's credentials behind it expire at " << *expiration << ".\n";
    return kExitOk;
}

}  // namespace ssocred::cli
