// `ssocred login`: POST /v1/login, show the URL (and open it), then long-poll
// GET /v1/login/{id}?wait=… until the login ends. Ctrl-C cancels the login in the daemon.
#include <algorithm>
#include <ostream>
#include <signal.h>

#include "commands.hpp"
#include "context.hpp"
#include "json_util.hpp"
#include "process.hpp"
#include "terminal.hpp"

namespace ssocred::cli {
namespace {

constexpr int kMaxWait = 30;  // the API's long-poll limit

std::chrono::seconds remaining(const json& login, SystemTime now) {
    auto t = parse_utc(str(login, "expires_at"));
    if (!t) return std::chrono::seconds(0);
    return std::max(std::chrono::seconds(0),
                    std::chrono::duration_cast<std::chrono::seconds>(*t - now));
}

// The progress line: rewritten in place on a terminal, one plain line per poll otherwise.
class Progress {
  public:
    Progress(std::ostream& out, bool tty, const Style& style)
        : out_(out), tty_(tty), style_(style) {}
    ~Progress() { clear(); }
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    void show(std::chrono::seconds left) {
        static constexpr const char* kSpinner[] = {"|", "/", "-", "\\"};
        const std::string text = "Waiting for you to sign in (" + format_duration(left) + " left)";
        if (tty_) {
            out_ << "\r\x1b[K" << style_.cyan(kSpinner[frame_++ % 4]) << ' ' << text << std::flush;
            drawn_ = true;
        } else {
            out_ << text << "..." << std::endl;
        }
    }
    void clear() {
        if (drawn_) out_ << "\r\x1b[K" << std::flush;
        drawn_ = false;
    }

  private:
    std::ostream& out_;
    bool tty_;
    const Style& style_;
    unsigned frame_ = 0;
    bool drawn_ = false;
};

}  // namespace

int cmd_login(Context& ctx, const Args& args) {
    json body = json::object();
    if (auto s = args.get("--sso-session")) body["sso_session"] = *s;
    if (auto p = args.get("--profile")) body["profile"] = *p;
    if (args.has("--use-device-code")) body["use_device_code"] = true;

    // Human text goes to stderr with --json so stdout stays one JSON document.
    std::ostream& out = ctx.global.json ? ctx.err : ctx.out;
    const bool tty = ctx.global.json ? ctx.stderr_tty : ctx.stdout_tty;
    const Style& style = ctx.global.json ? ctx.err_style : ctx.style;

    ControlClient client = ctx.client();
    auto started = client.call("POST", "/v1/login", body);
    if (!started) return report(ctx, started.error());
    warn_config_error(ctx, *started);
    json login = *started;
    const std::string id = str(login, "id");
    const std::string session = str(login, "session");
    if (id.empty())
        return report(ctx, Error::make(ErrorCode::BadResponse, "ssocredd did not start a login"));

    if (flag(login, "joined"))
        out << "A login for " << style.bold(session) << " is already running; waiting for it.\n";
    const std::string url = str(login, "url");
    // No URL: the login failed before there was anything to open (RegisterClient or
    // StartDeviceAuthorization refused); the state loop below reports why.
    if (!url.empty()) {
        out << "Sign in to " << style.bold(session) << " at:\n\n  " << style.cyan(url) << "\n\n";
        if (auto code = opt_str(login, "user_code"))
            out << "and check that the page shows the code " << style.bold(*code) << "\n\n";
    }
    if (!args.has("--no-browser") && !url.empty()) {
        if (open_in_browser(url))
            out << "Opened your browser.\n";
        else
            out << "Could not open a browser: open the URL above yourself.\n";
    }
    out << std::flush;

    // Ctrl-C (and SIGTERM/SIGHUP) must cancel the login in the daemon, not just kill us.
    SignalPipe signals({SIGINT, SIGTERM, SIGHUP});
    const std::string poll_base = "/v1/login/" + url_encode(id);
    auto cancel = [&](int sig) {
        auto r = client.call("DELETE", poll_base);
        (void)r;  // best effort: the login expires on its own anyway
        out << "Login cancelled.\n";
        return 128 + sig;
    };

    Progress progress(out, tty, style);
    for (;;) {
        const std::string state = str(login, "state");
        if (state != "pending") {
            progress.clear();
            if (state == "succeeded") break;
            if (state == "cancelled")
                return report(ctx, Error::make(ErrorCode::Cancelled, "the login was cancelled"));
            std::string why = str(login, "error", "the login failed");
            return report(ctx, Error::make(ErrorCode::AccessDenied, why));
        }
        auto left = remaining(login, std::chrono::system_clock::now());
        if (left.count() <= 0) {
            progress.clear();
            (void)client.call("DELETE", poll_base);
            return report(ctx, Error::make(ErrorCode::ExpiredToken,
                                           "the login timed out: run `ssocred login` again"));
        }
        progress.show(left);

        const int wait = static_cast<int>(std::clamp<long long>(left.count(), 1, kMaxWait));
        RequestOptions opts;
        opts.timeout = std::chrono::seconds(wait + 15);
        opts.cancel_fd = signals.fd();
        if (tty)
            opts.on_tick = [&] {
                progress.show(remaining(login, std::chrono::system_clock::now()));
            };
        auto next =
            client.call("GET", poll_base + "?wait=" + std::to_string(wait), std::nullopt, opts);
        if (auto sig = signals.received()) {
            progress.clear();
            return cancel(*sig);
        }
        if (!next) {
            progress.clear();
            return report(ctx, next.error());
        }
        login = *next;
    }

    if (ctx.global.json) {
        print_json(ctx.out, login);
        return kExitOk;
    }
    const auto now = std::chrono::system_clock::now();
    out << style.green("Logged in") << " to " << style.bold(session);
    if (auto until = member(login, "access_token_expires_at"); until.is_string())
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
