// `ssocred tokens`: list (GET /v1/tokens, never the values) or revoke (DELETE).
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
        ctx.out << "No scoped tokens (the main endpoint token is not listed).\n";
        return kExitOk;
    }
    const auto now = std::chrono::system_clock::now();
    Table t({"ID", "ROLE", "LABEL", "CREATED", "EXPIRES", "FILE"});
    for (const auto& tok : tokens) {
        const json& exp = member(tok, "expires_at");
        t.add({str(tok, "id"), describe_role(member(tok, "role")), str(tok, "label"),
               format_when(member(tok, "created_at"), now),
               exp.is_string() ? format_when(exp, now) : "never", str(tok, "token_file", "-")});
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
    if (pos[0] != "revoke")
        return usage(ctx, "tokens", "expected `list` or `revoke ID`, not '" + pos[0] + "'");
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
