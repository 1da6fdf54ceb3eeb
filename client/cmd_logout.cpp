// `ssocred logout`: POST /v1/logout.
#include <ostream>

#include "commands.hpp"
#include "context.hpp"
#include "json_util.hpp"

namespace ssocred::cli {

int cmd_logout(Context& ctx, const Args& args) {
    json body = json::object();
    if (auto s = args.get("--sso-session")) body["sso_session"] = *s;
    if (args.has("--all")) body["all"] = true;
    auto r = ctx.client().call("POST", "/v1/logout", body);
    if (!r) return report(ctx, r.error());
    if (ctx.global.json) {
        print_json(ctx.out, *r);
        return kExitOk;
    }
    const auto& names = arr(*r, "logged_out");
    if (names.empty()) ctx.out << "No session to log out of.\n";
    for (const auto& n : names)
        if (n.is_string())
            ctx.out << "Logged out of " << ctx.style.bold(n.get<std::string>()) << ".\n";
    return kExitOk;
}

}  // namespace ssocred::cli
