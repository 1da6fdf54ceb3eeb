// `ssocred use`: GET/PUT /v1/active, by profile, by ACCOUNT_ID/ROLE_NAME, or picked.
#include <algorithm>
#include <optional>
#include <ostream>
#include <signal.h>
#include <string>

#include "commands.hpp"
#include "context.hpp"
#include "json_util.hpp"
#include "picker.hpp"
#include "role_rows.hpp"
#include "signin.hpp"

namespace ssocred::cli {
namespace {

// "12345/Admin" looks like ACCOUNT_ID/ROLE_NAME with a mistyped account id (a profile
// name may hold a '/', but not after digits only); the message says the expected format.
std::optional<std::string> malformed_account_role(std::string_view s) {
    const auto slash = s.find('/');
    if (slash == std::string_view::npos || slash == 0) return std::nullopt;
    const std::string_view account = s.substr(0, slash);
    if (!std::all_of(account.begin(), account.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    if (account.size() != 12)
        return "'" + std::string(account) + "' is not an account id: ACCOUNT_ID/ROLE_NAME takes " +
               "the 12-digit account id, e.g. 123456789012/ReadOnlyAccess (`ssocred list` shows "
               "them)";
    if (slash + 1 == s.size())
        return "ACCOUNT_ID/ROLE_NAME needs a role name after the '/', e.g. " +
               std::string(account) + "/ReadOnlyAccess (`ssocred list` shows them)";
    return std::nullopt;
}

bool same_role(const json& a, const json& b) {
    return a.is_object() && b.is_object() && str(a, "account_id") == str(b, "account_id") &&
           str(a, "role_name") == str(b, "role_name") && str(a, "session") == str(b, "session");
}

int show_active(Context& ctx) {
    auto a = ctx.client().get("/v1/active");
    if (!a) return report(ctx, a.error());
    if (ctx.global.json) {
        print_json(ctx.out, *a);
        return kExitOk;
    }
    const json& role = member(*a, "active");
    if (!role.is_object()) {
        ctx.out
            << "No active role: choose one with `ssocred use PROFILE` or `ssocred use --pick`.\n";
        return kExitOk;
    }
    ctx.out << "Active role: " << ctx.style.bold(describe_role(role)) << ", session "
            << str(role, "session") << '\n';
    return kExitOk;
}

// One line per role, in `ssocred list` order: the active mark, profile, account, role,
// in aligned columns.
std::vector<PickItem> pick_items(const std::vector<RoleRow>& rows) {
    std::size_t profile_width = 1;
    std::size_t name_width = 0;
    for (const auto& r : rows) {
        profile_width = std::max(profile_width, display_width(r.profile));
        name_width = std::max(name_width, display_width(r.account_name));
    }
    auto pad = [](const std::string& s, std::size_t width) {
        return s + std::string(width - std::min(width, display_width(s)), ' ');
    };
    std::vector<PickItem> items;
    for (const auto& r : rows) {
        PickItem item;
        item.label = std::string(r.active ? "* " : "  ") +
                     pad(r.profile.empty() ? "-" : r.profile, profile_width) + "  " +
                     pad(r.account_name, name_width) + "  " + r.account_id + "/" + r.role_name;
        item.search = r.profile + " " + r.account_name + " " + r.account_id + "/" + r.role_name;
        items.push_back(std::move(item));
    }
    return items;
}

// Offers every role of the session and returns the PUT body for the chosen one.
Expected<json> pick_role(Context& ctx, const Args& args, int& exit_code) {
    std::string target = "/v1/accounts";
    if (auto s = args.get("--sso-session")) target += "?sso_session=" + url_encode(*s);
    auto accounts = with_signin(ctx, signin_policy(args, process_env()),
                                [&] { return ctx.client().get(target); });
    if (!accounts) return std::move(accounts).error();
    warn_config_error(ctx, *accounts);
    json active = nullptr;
    if (auto a = ctx.client().get("/v1/active")) active = member(*a, "active");
    const auto rows = role_rows(*accounts, active);
    if (rows.empty())
        return Error::make(ErrorCode::NotFound, "the session has no roles to choose from");
    std::size_t initial = 0;
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (rows[i].active) initial = i;
    const std::string session = str(*accounts, "session");
    const auto result = pick(pick_items(rows), initial, "Role> ");
    switch (result.outcome) {
        case PickOutcome::Picked:
            return json{{"account_id", rows[result.index].account_id},
                        {"role_name", rows[result.index].role_name},
                        {"sso_session", session}};
        case PickOutcome::NoTerminal:
            exit_code = kExitUsage;
            return Error::make(ErrorCode::Invalid, "--pick needs a terminal");
        case PickOutcome::Escaped:
            exit_code = kExitFailure;
            return Error::make(ErrorCode::Cancelled, "no role chosen");
        case PickOutcome::Interrupted:
            exit_code = 128 + (result.signal != 0 ? result.signal : SIGINT);
            return Error::make(ErrorCode::Cancelled, "no role chosen");
    }
    return Error::make(ErrorCode::Internal, "unreachable");
}

}  // namespace

int cmd_use(Context& ctx, const Args& args) {
    // Without an argument a person at a terminal wants to choose; a script (or --json)
    // gets the active role, as before.
    const bool picking = args.has("--pick") || (args.positional().empty() && !ctx.global.json &&
                                                ctx.stdin_tty && ctx.stdout_tty);
    if (args.positional().empty() && !picking) return show_active(ctx);
    if (picking && !args.positional().empty())
        return usage(ctx, "use", "give a role or --pick, not both");

    json body = json::object();
    if (picking) {
        if (!ctx.stdin_tty) return usage(ctx, "use", "--pick needs a terminal");
        int code = kExitFailure;
        auto chosen = pick_role(ctx, args, code);
        if (!chosen) {
            if (chosen.error().code == ErrorCode::Cancelled) {
                report(ctx, chosen.error());
                return code;
            }
            if (code == kExitUsage) return usage(ctx, "use", chosen.error().message);
            return report(ctx, chosen.error());
        }
        body = *chosen;
    } else {
        const std::string& what = args.positional()[0];
        if (auto problem = malformed_account_role(what)) return usage(ctx, "use", *problem);
        if (is_account_role(what)) {
            body["account_id"] = what.substr(0, 12);
            body["role_name"] = what.substr(13);
            if (auto s = args.get("--sso-session")) body["sso_session"] = *s;
        } else {
            if (args.has("--sso-session"))
                return usage(ctx, "use",
                             "--sso-session goes with ACCOUNT_ID/ROLE_NAME, not a profile");
            body["profile"] = what;
        }
    }

    auto r = with_signin(ctx, signin_policy(args, process_env()),
                         [&] { return ctx.client().call("PUT", "/v1/active", body); });
    if (!r) return report(ctx, r.error());
    warn_config_error(ctx, *r);
    if (ctx.global.json) {
        print_json(ctx.out, *r);
        return kExitOk;
    }
    const json& now_active = member(*r, "active");
    const json& previous = member(*r, "previous");
    if (same_role(previous, now_active)) {
        ctx.out << "Active role unchanged: " << ctx.style.bold(describe_role(now_active)) << '\n';
    } else {
        ctx.out << "Active role: " << ctx.style.bold(describe_role(now_active));
        if (previous.is_object()) ctx.out << " (was " << describe_role(previous) << ")";
        ctx.out << '\n';
    }
    return kExitOk;
}

}  // namespace ssocred::cli
