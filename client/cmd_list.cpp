// `ssocred list`: GET /v1/accounts (+ /v1/active to mark the active role).
#include <algorithm>
#include <ostream>

#include "commands.hpp"
#include "context.hpp"
#include "json_util.hpp"

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
    auto accounts = client.get(target);
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

    const std::string session = str(*accounts, "session");
    std::vector<json> sorted(arr(*accounts, "accounts").begin(), arr(*accounts, "accounts").end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const json& a, const json& b) {
        return str(a, "account_name") < str(b, "account_name");
    });
    if (sorted.empty()) {
        ctx.out << "Session " << session << " has no accounts assigned.\n";
        return kExitOk;
    }
    const Style& st = ctx.style;
    Table t({"", "ACCOUNT ID", "ACCOUNT NAME", "ROLE", "EMAIL"});
    for (const auto& a : sorted) {
        for (const auto& role : arr(a, "roles")) {
            const std::string r = role.is_string() ? role.get<std::string>() : "";
            const bool is_active =
                active.is_object() && str(active, "session", session) == session &&
                str(active, "account_id") == str(a, "account_id") && str(active, "role_name") == r;
            t.add({is_active ? st.green("*") : "", str(a, "account_id"), str(a, "account_name"),
                   is_active ? st.bold(r) : r, str(a, "email")});
        }
    }
    t.print(ctx.out, st);
    return kExitOk;
}

}  // namespace ssocred::cli
