// `ssocred status`: the daemon's GET /v1/status, for people (aligned) or scripts (--json,
// the daemon's object unchanged).
#include <ostream>

#include "ssocred/time.hpp"

#include "commands.hpp"
#include "context.hpp"
#include "json_util.hpp"
#include "platform_advice.hpp"

namespace ssocred::cli {
namespace {

std::string state_label(const Style& s, const std::string& state) {
    if (state == "logged_in") return s.green("logged in");
    if (state == "login_in_progress") return s.yellow("login in progress");
    if (state == "login_required") return s.red("login required");
    if (state == "logged_out") return s.yellow("logged out");
    return state;
}

std::string endpoints(const json& http) {
    std::string out;
    for (const auto& l : http) {
        std::string a = str(l, "address");
        if (a.find(':') != std::string::npos) a = "[" + a + "]";
        out += (out.empty() ? "" : ", ") + a + ":" + std::to_string(num(l, "port"));
    }
    return out.empty() ? "none" : out;
}

std::string last_error(const json& e) {
    if (!e.is_object()) return "";
    return str(e, "message");
}

// "  demo: session ends ~in 3h 10m (learned from the last session)", when predicted.
void session_end_line(std::ostream& out, const json& session, SystemTime now) {
    const auto ends = parse_utc(str(session, "session_ends_at"));
    if (!ends) return;
    const std::string source = str(session, "session_length_source");
    // Past a learned end the session may well go on: the prediction was late.
    out << "  " << str(session, "name")
        << (*ends > now ? ": session ends ~" : ": session end was expected ~")
        << format_relative(*ends, now)
        << (source == "configured" ? " (ssocred_session_duration)"
                                   : " (learned from the last session)")
        << '\n';
}

}  // namespace

int cmd_status(Context& ctx, const Args&) {
    auto status = ctx.client().get("/v1/status");
    if (!status) return report(ctx, status.error());
    const json& s = *status;
    if (ctx.global.json) {
        print_json(ctx.out, s);
        return kExitOk;
    }
    const auto now = std::chrono::system_clock::now();
    const Style& st = ctx.style;

    const std::string started_by = str(s, "started_by");
    ctx.out << st.bold("ssocredd " + str(s, "version", "?")) << " (pid " << num(s, "pid")
            << (started_by == "ssocred"   ? ", started on demand by ssocred"
                : started_by == "systemd" ? ", under systemd"
                : started_by == "launchd" ? ", under launchd"
                                          : "")
            << "), up " << format_duration(std::chrono::seconds(num(s, "uptime_seconds")))
            << "\n\n";
    KeyValues kv;
    kv.add("Control socket", str(s, "control_socket", ctx.socket_path()));
    kv.add("HTTP endpoints", endpoints(arr(s, "http")));
    if (const json& platform = member(s, "platform"); platform.is_object())
        kv.add("OS layer", str(platform, "os_layer", "-") +
                               (imds_refused(platform) ? st.yellow(" (IMDS off)") : ""));
    kv.add("State dir", str(s, "state_dir", "-"));
    kv.add("AWS CLI cache", str(s, "aws_cache", "-"));
    const json& config = member(s, "config");
    const bool config_ok = !config.is_object() || flag(config, "ok");
    if (config.is_object())
        kv.add("AWS config", config_ok ? str(config, "file", "-") : st.red(str(config, "message")));
    kv.add("Active role", describe_role(member(s, "active")));
    kv.print(ctx.out, st);
    for (const auto& w : arr(config, "warnings"))
        if (w.is_string()) ctx.out << st.yellow("warning: ") << w.get<std::string>() << '\n';

    ctx.out << '\n' << st.bold("Sessions") << '\n';
    const auto& sessions = arr(s, "sessions");
    if (sessions.empty() && !config_ok) {
        ctx.out << "  none: the AWS config file cannot be used (see above)\n";
    } else if (sessions.empty()) {
        ctx.out << "  none configured: add an [sso-session] to your AWS config\n";
    } else {
        Table t({"NAME", "STATE", "TOKEN EXPIRES", "NEXT REFRESH", "REGION", "LAST ERROR"});
        for (const auto& x : sessions)
            t.add({str(x, "name"), state_label(st, str(x, "state")),
                   format_when(member(x, "access_token_expires_at"), now),
                   format_when(member(x, "next_refresh_at"), now), str(x, "region", "-"),
                   last_error(member(x, "last_error"))});
        t.print(ctx.out, st, 2);
        for (const auto& x : sessions) session_end_line(ctx.out, x, now);
    }

    const auto& roles = arr(s, "roles");
    if (!roles.empty()) {
        ctx.out << '\n' << st.bold("Role credentials") << '\n';
        const json& active = member(s, "active");
        Table t({"", "PROFILE", "ROLE", "EXPIRES", "NEXT RENEWAL", "LAST ERROR"});
        for (const auto& r : roles) {
            const bool is_active = active.is_object() &&
                                   str(active, "account_id") == str(r, "account_id") &&
                                   str(active, "role_name") == str(r, "role_name");
            t.add({is_active ? st.green("*") : "", str(r, "profile", "-"),
                   str(r, "account_id") + "/" + str(r, "role_name"),
                   format_when(member(r, "expiration"), now),
                   format_when(member(r, "next_renewal_at"), now),
                   last_error(member(r, "last_error"))});
        }
        t.print(ctx.out, st, 2);
    }

    const auto& errors = arr(s, "recent_errors");
    if (!errors.empty()) {
        ctx.out << '\n' << st.bold("Recent errors") << '\n';
        Table t({"TIME", "OPERATION", "MESSAGE"});
        for (const auto& e : errors)
            t.add({format_when(member(e, "time"), now), str(e, "operation"),
                   st.red(str(e, "message"))});
        t.print(ctx.out, st, 2);
    }
    return kExitOk;
}

}  // namespace ssocred::cli
