// `ssocred env`: prints the exports that point SDKs at ssocredd, for eval by a shell.
// Secrets printed here are the point of the command (the endpoint token). With
// --container the output is for a container instead (docs/containers.md): the URI on
// 169.254.170.2 and a scoped token file, plus (in --json) the directory to mount.
#include <charconv>
#include <ostream>

#include "commands.hpp"
#include "context.hpp"
#include "env_source.hpp"
#include "profile_choice.hpp"
#include "shell.hpp"
#include "signin.hpp"

namespace ssocred::cli {

int cmd_env(Context& ctx, const Args& args) {
    EnvRequest req;
    req.imds = args.has("--imds");
    req.container = args.has("--container");
    req.token_file = args.has("--token-file");
    // IMDS serves only the active role: AWS_PROFILE is not taken there (it is unset).
    const ProfileChoice choice =
        req.imds ? ProfileChoice{args.get("--profile"), ProfileChoice::From::Flag}
                 : choose_profile(args, process_env());
    req.profile = choice.profile;
    if (auto ttl = args.get("--ttl")) {
        long long v = 0;
        const auto [end, ec] = std::from_chars(ttl->data(), ttl->data() + ttl->size(), v);
        // The daemon's cap (ten years) is checked there; here only the form.
        if (ec != std::errc() || end != ttl->data() + ttl->size() || v <= 0)
            return usage(ctx, "env", "--ttl takes a whole number of seconds, e.g. --ttl 3600");
        req.ttl_seconds = v;
    }
    Shell shell = default_shell();
    if (auto s = args.get("--shell")) shell = *shell_from_name(*s);

    std::string label = "env";
    if (req.container) label += " --container";
    if (req.profile) label += " --profile " + *req.profile;
    const ControlClient client = ctx.client();
    auto prepared = signed_in_env(ctx, signin_policy(args, process_env()), client, req, label);
    if (!prepared) return report(ctx, explain_profile_choice(choice, prepared.error()));
    say_profile_choice(ctx, choice, *prepared);

    for (const auto& w : prepared->plan.warnings) ctx.err << "ssocred: warning: " << w << '\n';
    if (ctx.stderr_tty)
        for (const auto& n : prepared->plan.notes) ctx.err << "ssocred: " << n << '\n';

    if (ctx.global.json) {
        json set = json::object();
        json unset = json::array();
        for (const auto& op : prepared->plan.ops) {
            if (op.value)
                set[op.name] = *op.value;
            else
                unset.push_back(op.name);
        }
        json out = {{"set", set}, {"unset", unset}};
        if (prepared->minted) out["token_id"] = prepared->minted->id;
        // For scripts writing a compose file or `docker run` line: what to bind-mount.
        if (const auto& m = prepared->plan.mount)
            out["mount"] = {{"source", m->source}, {"target", m->target}, {"read_only", true}};
        print_json(ctx.out, out);
        return kExitOk;
    }
    ctx.out << render_ops(shell, prepared->plan.ops);
    if (ctx.stdout_tty) {
        // Only on a terminal: a comment inside `eval (ssocred env)` output could swallow
        // the lines after it in fish.
        ctx.out << (shell == Shell::Fish ? "# Apply with: ssocred env | source\n"
                    : shell == Shell::PowerShell
                        ? "# Apply with: ssocred env | Out-String | Invoke-Expression\n"
                        : "# Apply with: eval \"$(ssocred env)\"\n");
    }
    return kExitOk;
}

}  // namespace ssocred::cli
