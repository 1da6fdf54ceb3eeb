// `ssocred tokens`: list (GET /v1/tokens, never the values), revoke (DELETE), or rotate the
// main token (POST /v1/tokens/main/rotate).
#include <ostream>

#include "commands.hpp"
#include "context.hpp"
#include "json_util.hpp"

namespace ssocred::cli {
namespace {

int list_tokens(Context& ctx) {
    auto r = ctx.client().get("/v1/tokens");
    if (!r) return report(ctx, r.error());
    if (ctx.global.json) {
        print_json(ctx.out, *r);
        return kExitOk;
    }
    const auto& tokens = arr(*r, "tokens");
    if (tokens.empty()) {
        ctx.out << "No scoped or active-role tokens (the main endpoint token is not listed).\n";
        return kExitOk;
    }
    const auto now = std::chrono::system_clock::now();
    Table t({"ID", "ROLE", "LABEL", "CREATED", "EXPIRES", "FILE"});
    for (const auto& tok : tokens) {
        const json& exp = member(tok, "expires_at");
        // An active-role token follows `ssocred use`: it names no role.
        const json& role = member(tok, "role");
        // How it ends: a sliding expiry says so (each use moves it), a bound one names the
        // process whose exit revokes it. "never" only for a token minted over the control
        // API without an expiry: the CLI always gives one.
        std::string expires = exp.is_string() ? format_when(exp, now) : "never";
        // num(): a value out of range reads as absent (-1 here), never a wrapped number.
        if (const auto idle = num(tok, "idle_seconds", -1); idle >= 0)
            expires += " (idle " + format_duration(std::chrono::seconds(idle)) + ")";
        if (const auto pid = num(tok, "bound_pid", -1); pid > 0)
            expires += ", with pid " + std::to_string(pid);
        t.add({str(tok, "id"), role.is_object() ? describe_role(role) : "(active role)",
               str(tok, "label"), format_when(member(tok, "created_at"), now), expires,
               str(tok, "token_file", "-")});
    }
    t.print(ctx.out, ctx.style);
    return kExitOk;
}

}  // namespace

int cmd_tokens(Context& ctx, const Args& args) {
    const auto& pos = args.positional();
    if (pos.empty() || pos[0] == "list") {
        if (pos.size() > 1) return usage(ctx, "tokens", "`tokens list` takes no argument");
        return list_tokens(ctx);
    }
    if (pos[0] == "rotate-main") {
        if (pos.size() > 1) return usage(ctx, "tokens", "`tokens rotate-main` takes no argument");
        auto r = ctx.client().call("POST", "/v1/tokens/main/rotate");
        if (!r) return report(ctx, r.error());
        if (ctx.global.json) {
            print_json(ctx.out, *r);
            return kExitOk;
        }
        ctx.out << "The main endpoint token has a new value; the old one no longer works.\n"
                   "Shells that exported it: run `eval \"$(ssocred env)\"` again.\n";
        return kExitOk;
    }
    if (pos[0] != "revoke")
        return usage(ctx, "tokens",
                     "expected `list`, `revoke ID` or `rotate-main`, not '" + pos[0] + "'");
    if (pos.size() != 2) return usage(ctx, "tokens", "`tokens revoke` needs a token ID");
    auto r = ctx.client().call("DELETE", "/v1/tokens/" + url_encode(pos[1]));
    if (!r) return report(ctx, r.error());
    if (ctx.global.json) {
        print_json(ctx.out, *r);
        return kExitOk;
    }
    ctx.out << "Revoked token " << pos[1] << ".\n";
    return kExitOk;
}

}  // namespace ssocred::cli
