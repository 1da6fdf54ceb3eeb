// `ssocred login`: the login routine of signin.hpp (start or join a login, show the URL, open
// the browser, wait), then what the person needs next. A session that is logged in gets no
// new login unless --force. Ctrl-C cancels a login we started; a joiner only stops waiting.
#include <ostream>

#include "commands.hpp"
#include "context.hpp"
#include "json_util.hpp"
#include "signin.hpp"

namespace ssocred::cli {

int cmd_login(Context& ctx, const Args& args) {
    LoginRequest request;
    request.sso_session = args.get("--sso-session");
    request.profile = args.get("--profile");
    request.use_device_code = args.has("--use-device-code");
    request.no_browser = args.has("--no-browser");
    request.force = args.has("--force");

    // Human text goes to stderr with --json so stdout stays one JSON document.
    Talk talk = talk_on_stderr(ctx);
    if (!ctx.global.json) {
        talk.out = &ctx.out;
        talk.tty = ctx.stdout_tty;
        talk.style = ctx.style;
    }
    std::ostream& out = *talk.out;
    const Style& style = talk.style;

    auto login = run_login(ctx, request, talk);
    if (!login) {
        if (login.error().upstream_type == kInterrupted) return kExitInterrupted;
        return report(ctx, login.error());
    }
    if (ctx.global.json) {
        print_json(ctx.out, *login);
        return kExitOk;
    }
    const auto now = std::chrono::system_clock::now();
    const std::string session = str(*login, "session");
    if (str(*login, "state") == "logged_in") {
        out << "Already logged in to " << style.bold(session);
        if (auto until = member(*login, "access_token_expires_at"); until.is_string())
            out << ": the access token is good until " << format_when(until, now)
                << (flag(*login, "refresh_token") ? " and renews on its own" : "");
        out << ".\n`ssocred login --force` signs in again anyway.\n";
        return kExitOk;
    }
    out << style.green("Logged in") << " to " << style.bold(session);
    if (auto until = member(*login, "access_token_expires_at"); until.is_string())
        out << " until " << format_when(until, now);
    out << ".\n";
    if (auto active = ctx.client().get("/v1/active");
        active && member(*active, "active").is_object())
        out << "Active role: " << describe_role(member(*active, "active")) << '\n';
    else
        out << "Pick a role with `ssocred use PROFILE` or `ssocred use --pick`.\n";
    return kExitOk;
}

}  // namespace ssocred::cli
