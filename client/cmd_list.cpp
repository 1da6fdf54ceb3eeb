// `ssocred list`: GET /v1/accounts (+ /v1/active to mark the active role).
#include <ostream>

#include "commands.hpp"
#include "context.hpp"
#include "env_plan.hpp"
#include "json_util.hpp"
#include "role_rows.hpp"
#include "signin.hpp"

namespace ssocred::cli {

int cmd_list(Context& ctx, const Args& args) {
    std::string target = "/v1/accounts";
    std::string sep = "?";
    if (auto s = args.get("--sso-session")) {
        target += sep + "sso_session=" + url_encode(*s);
        sep = "&";
    }
    if (args.has("--refresh")) target += sep + "refresh=1";

    ControlClient client = ctx.client();
    // Listing needs the session's access token: sign in first when it needs one.
    auto accounts =
        with_signin(ctx, signin_policy(args, process_env()), [&] { return client.get(target); });
    if (!accounts) return report(ctx, accounts.error());
    warn_config_error(ctx, *accounts);
    json active = nullptr;
    if (auto a = client.get("/v1/active")) active = member(*a, "active");

    if (ctx.global.json) {
        json out = *accounts;
        out["active"] = active;
        print_json(ctx.out, out);
        return kExitOk;
    }

    const auto rows = role_rows(*accounts, active);
    if (rows.empty()) {
        ctx.out << "Session " << str(*accounts, "session") << " has no accounts assigned.\n";
        return kExitOk;
    }
    const Style& st = ctx.style;
    Table t({"", "PROFILE", "ACCOUNT ID", "ACCOUNT NAME", "ROLE", "EMAIL"});
    for (const auto& r : rows)
        t.add({r.active ? st.green("*") : "", r.profile.empty() ? "-" : r.profile, r.account_id,
               r.account_name, r.active ? st.bold(r.role_name) : r.role_name, r.email});
    t.print(ctx.out, st);
    return kExitOk;
}

}  // namespace ssocred::cli
