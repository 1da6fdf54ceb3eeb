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
#include "signin.hpp"

namespace ssocred::cli {
namespace {

// "123456789012/RoleName": twelve digits, a slash, a non-empty role name.
bool is_account_role(std::string_view s) {
    auto slash = s.find('/');
    if (slash != 12 || s.size() == 13) return false;
    return std::all_of(s.begin(), s.begin() + 12, [](char c) { return c >= '0' && c <= '9'; });
}

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

// Offers every role of the session and returns the PUT body for the chosen one.
Expected<json> pick_role(Context& ctx, const Args& args, int& exit_code) {
    std::string target = "/v1/accounts";
    if (auto s = args.get("--sso-session")) target += "?sso_session=" + url_encode(*s);
    auto accounts = with_signin(ctx, signin_policy(args, process_env()),
                                [&] { return ctx.client().get(target); });
    if (!accounts) return std::move(accounts).error();
    std::vector<std::string> labels;
    std::vector<json> bodies;
    for (const auto& a : arr(*accounts, "accounts"))
        for (const auto& r : arr(a, "roles")) {
            if (!r.is_string()) continue;
            labels.push_back(str(a, "account_name") + "  " + str(a, "account_id") + "/" +
                             r.get<std::string>());
            bodies.push_back({{"account_id", str(a, "account_id")},
                              {"role_name", r.get<std::string>()},
                              {"sso_session", str(*accounts, "session")}});
        }
    if (labels.empty())
        return Error::make(ErrorCode::NotFound, "the session has no roles to choose from");
    auto result = pick(labels, "Role> ");
    switch (result.outcome) {
        case PickOutcome::Picked:
            return bodies[result.index];
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
    const bool picking = args.has("--pick");
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
                ctx.err << "ssocred: " << chosen.error().message << '\n';
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
