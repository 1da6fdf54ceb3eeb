// `ssocred doctor`: checks that usually explain "my SDK gets no credentials", each with a
// one-line fix. Exit 1 when any check fails (warnings do not fail).
#include <chrono>
#include <cstdlib>
#include <optional>
#include <ostream>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "ssocred/listener_owner.hpp"
#include "ssocred/paths.hpp"

#include "autostart.hpp"
#include "aws_config_scan.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "json_util.hpp"
#include "platform_advice.hpp"

namespace ssocred::cli {
namespace {

enum class Level { Ok, Warn, Fail };

struct Check {
    std::string name;
    Level level;
    std::string detail;
    std::string fix;
};

const char* level_name(Level l) {
    switch (l) {
        case Level::Ok:
            return "ok";
        case Level::Warn:
            return "warn";
        case Level::Fail:
            return "fail";
    }
    return "?";
}

bool env_set(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0';
}

// TCP connect with a short timeout: is the daemon's HTTP listener reachable from here?
Status tcp_connect(const std::string& address, int port) {
    namespace asio = boost::asio;
    boost::system::error_code ec;
    const auto ip = asio::ip::make_address(address, ec);
    if (ec) return Error::make(ErrorCode::Invalid, "not an IP address: " + address);
    asio::io_context io{1};
    asio::ip::tcp::socket socket(io);
    asio::steady_timer timer(io, std::chrono::seconds(2));
    std::optional<boost::system::error_code> result;
    socket.async_connect({ip, static_cast<unsigned short>(port)},
                         [&](const boost::system::error_code& e) {
                             if (!result) result = e;
                             timer.cancel();
                         });
    timer.async_wait([&](const boost::system::error_code& e) {
        if (e || result) return;
        result = asio::error::timed_out;
        boost::system::error_code ignored;
        socket.close(ignored);
    });
    io.run();
    if (*result == asio::error::timed_out) return Error::make(ErrorCode::Timeout, "timed out");
    if (*result) return Error::make(ErrorCode::Network, result->message());
    return ok();
}

void check_environment(std::vector<Check>& checks) {
    std::vector<std::string> shadowing;
    for (const char* v : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                          "AWS_PROFILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"})
        if (env_set(v)) shadowing.emplace_back(v);
    if (shadowing.empty()) {
        checks.push_back({"environment", Level::Ok, "no variable shadows ssocredd", ""});
    } else {
        std::string list;
        for (const auto& s : shadowing) list += (list.empty() ? "" : " ") + s;
        checks.push_back({"environment", Level::Warn, list + " set: SDKs use it before ssocredd",
                          "unset " + list + "   (or eval \"$(ssocred env)\")"});
    }
    if (env_set("AWS_CONTAINER_AUTHORIZATION_TOKEN") &&
        env_set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"))
        checks.push_back(
            {"container token", Level::Warn,
             "both AWS_CONTAINER_AUTHORIZATION_TOKEN and _FILE are set; SDKs disagree which wins",
             "unset one of them (eval \"$(ssocred env)\" sets exactly one)"});
}

void check_config(std::vector<Check>& checks) {
    const auto path = paths::aws_config_file();
    auto sections = scan_config_file(path);
    if (!sections) {
        // A file that does not parse is what ssocredd rejects too: the message names the line.
        const bool missing = sections.error().code == ErrorCode::NotFound;
        checks.push_back({"aws config", Level::Fail, sections.error().message,
                          missing ? "create it with `aws configure sso` or set AWS_CONFIG_FILE"
                                  : "fix that line; ssocredd reads the file the same way"});
        return;
    }
    const auto n_sessions = sections->sso_sessions.size();
    const auto n_profiles = sections->profiles.size();
    checks.push_back(
        {"aws config", n_sessions + n_profiles == 0 ? Level::Warn : Level::Ok,
         path.string() + ": " + std::to_string(n_sessions) + " sso-session(s), " +
             std::to_string(n_profiles) + " profile(s)",
         n_sessions + n_profiles == 0 ? "add an [sso-session] with `aws configure sso`" : ""});
}

// How the daemon runs: who started it (GET /v1/status `started_by`) and what that means.
Check describe_service(const json& status) {
    const std::string who = str(status, "started_by");
    const std::string pid = std::to_string(
        member(status, "pid").is_number_integer() ? member(status, "pid").get<long long>() : 0);
    if (who == "systemd") return {"service", Level::Ok, "runs under systemd (pid " + pid + ")", ""};
    if (who == "launchd") return {"service", Level::Ok, "runs under launchd (pid " + pid + ")", ""};
    if (who == "ssocred") {
        const auto log = std::filesystem::path(str(status, "state_dir")) / "ssocredd.log";
        return {"service", Level::Ok,
                "started on demand by ssocred (pid " + pid + "), logging to " + log.string(),
                "to keep it running across log-ins, install the service (docs/install.md)"};
    }
    return {"service", Level::Ok, "started by hand (pid " + pid + ")", ""};
}

void check_daemon(Context& ctx, std::vector<Check>& checks, bool* config_checked) {
    // doctor reports how the daemon runs; it never starts one itself.
    ctx.autostart = false;
    ControlClient client = ctx.client();
    auto health = client.send("GET", "/healthz", std::nullopt);
    if (!health) {
        const bool down = health.error().upstream_type == kDaemonNotRunning;
        const std::string start =
            autostart_enabled()
                ? "the next ssocred command starts it (or: " + daemon_start_hint() + ")"
                : daemon_start_hint() + "   (SSOCRED_AUTOSTART=0 keeps ssocred from starting it)";
        checks.push_back({"daemon", Level::Fail,
                          down ? "nothing listens on " + ctx.socket_path() : health.error().message,
                          down ? start : "check the socket path and its owner"});
        return;
    }
    checks.push_back({"daemon", Level::Ok, "reachable at " + ctx.socket_path(), ""});
    const bool healthy = health->status == 200;
    checks.push_back({"health", healthy ? Level::Ok : Level::Fail,
                      healthy ? "/healthz answered ok"
                              : "/healthz answered HTTP " + std::to_string(health->status),
                      healthy ? "" : "see `journalctl --user -u ssocredd`"});

    if (auto status = client.get("/v1/status")) {
        checks.push_back(describe_service(*status));
        // A daemon older than the `platform` member gets no verdict rather than a guess.
        if (const json& platform = member(*status, "platform"); platform.is_object()) {
            const PlatformVerdict verdict = judge_platform(platform);
            checks.push_back(
                {"platform", verdict.warn ? Level::Warn : Level::Ok, verdict.detail, verdict.fix});
        }
        // The daemon's own verdict on the AWS config: it parses it exactly, the local scan
        // below only counts sections.
        const json& config = member(*status, "config");
        const bool config_broken = config.is_object() && !flag(config, "ok");
        if (config_broken) {
            checks.push_back({"aws config", Level::Fail, str(config, "error"),
                              "fix that line of " + str(config, "file") +
                                  "; ssocredd re-reads the file when it changes (until then " +
                                  "it keeps the last good version, if it ever had one)"});
        } else if (const auto& warnings = arr(config, "warnings"); !warnings.empty()) {
            // It parses, but some of it cannot work (a profile naming no [sso-session]...).
            for (const auto& w : warnings)
                checks.push_back({"aws config", Level::Warn,
                                  w.is_string() ? w.get<std::string>() : w.dump(),
                                  "fix it in " + str(config, "file") +
                                      "; ssocredd re-reads the file when it changes"});
        } else if (config.is_object()) {
            checks.push_back(
                {"aws config", Level::Ok, "ssocredd parsed " + str(config, "file"), ""});
        }
        *config_checked = config.is_object();
        const auto& sessions = arr(*status, "sessions");
        int logged_in = 0;
        std::string needing;
        long long max_skew = 0;
        for (const auto& s : sessions) {
            if (str(s, "state") == "logged_in")
                ++logged_in;
            else
                needing += (needing.empty() ? "" : ", ") + str(s, "name");
            max_skew = std::max<long long>(max_skew, std::llabs(num(s, "clock_skew_seconds")));
        }
        if (sessions.empty() && config_broken)
            checks.push_back({"login", Level::Fail,
                              "no SSO session: the AWS config file cannot be used",
                              "fix the file (see the aws config check)"});
        else if (sessions.empty())
            checks.push_back({"login", Level::Fail, "no SSO session is configured",
                              "add an [sso-session] with `aws configure sso-session`"});
        else if (logged_in == 0)
            checks.push_back(
                {"login", Level::Fail, "not logged in (" + needing + ")", "ssocred login"});
        else if (!needing.empty())
            checks.push_back({"login", Level::Warn, "not logged in: " + needing,
                              "ssocred login --sso-session NAME"});
        else
            checks.push_back(
                {"login", Level::Ok, std::to_string(logged_in) + " session(s) logged in", ""});
        if (max_skew > 60)
            checks.push_back({"clock", Level::Warn,
                              "local clock is " + std::to_string(max_skew) + "s off AWS's",
                              "enable time sync: timedatectl set-ntp true"});
        else
            checks.push_back(
                {"clock", Level::Ok, "within " + std::to_string(max_skew) + "s of AWS", ""});
        if (!member(*status, "active").is_object())
            checks.push_back({"active role", Level::Warn,
                              "none selected: /v1/credentials has no role", "ssocred use PROFILE"});
    } else {
        checks.push_back(
            {"status", Level::Fail, status.error().message, "see `journalctl --user -u ssocredd`"});
    }

    if (auto endpoint = client.get("/v1/endpoint")) {
        const auto& http = arr(*endpoint, "http");
        if (http.empty())
            checks.push_back({"endpoint", Level::Fail, "ssocredd has no HTTP listener",
                              "start ssocredd with --listen 127.0.0.1:0"});
        for (const auto& l : http) {
            const std::string addr = str(l, "address");
            const int port = static_cast<int>(num(l, "port"));
            const std::string where = addr + ":" + std::to_string(port);
            // A port held by another user is not probed: it may be a squatter.
            if (auto owner = check_listener_owner(addr, port, ::getuid()); !owner)
                checks.push_back({"endpoint", Level::Fail, owner.error().message,
                                  "stop the other process; run ssocredd under socket "
                                  "activation (docs/security.md)"});
            else if (auto c = tcp_connect(addr, port))
                checks.push_back({"endpoint", Level::Ok, where + " accepts connections", ""});
            else
                checks.push_back({"endpoint", Level::Fail, where + ": " + c.error().message,
                                  "check a firewall, or restart ssocredd"});
        }
    } else {
        checks.push_back({"endpoint", Level::Fail, endpoint.error().message, ""});
    }
}

}  // namespace

int cmd_doctor(Context& ctx, const Args&) {
    std::vector<Check> checks;
    bool config_checked = false;  // the daemon judged the config: no local guess needed
    check_daemon(ctx, checks, &config_checked);
    check_environment(checks);
    if (!config_checked) check_config(checks);

    bool failed = false;
    for (const auto& c : checks) failed = failed || c.level == Level::Fail;
    if (ctx.global.json) {
        json list = json::array();
        for (const auto& c : checks)
            list.push_back({{"name", c.name},
                            {"status", level_name(c.level)},
                            {"detail", c.detail},
                            {"fix", c.fix.empty() ? json(nullptr) : json(c.fix)}});
        print_json(ctx.out, {{"ok", !failed}, {"checks", list}});
        return failed ? kExitFailure : kExitOk;
    }
    const Style& st = ctx.style;
    Table t({});
    for (const auto& c : checks) {
        std::string mark = c.level == Level::Ok     ? st.green("ok")
                           : c.level == Level::Warn ? st.yellow("warn")
                                                    : st.red("fail");
        t.add({mark, c.name, c.detail});
        if (!c.fix.empty()) t.add({"", "", st.dim("fix: " + c.fix)});
    }
    t.print(ctx.out, st);
    return failed ? kExitFailure : kExitOk;
}

}  // namespace ssocred::cli
