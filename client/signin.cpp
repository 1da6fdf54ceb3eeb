#include "signin.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <fcntl.h>
#include <ostream>
#include <signal.h>
#include <streambuf>
#include <unistd.h>

#include "ssocred/wire_error.hpp"

#include "context.hpp"
#include "json_util.hpp"
#include "login_flow.hpp"
#include "process.hpp"
#include "store/unique_fd.hpp"
#include "terminal.hpp"

namespace ssocred::cli {
namespace {

constexpr int kMaxWait = 30;  // the API's long-poll limit

// None while the login has no deadline yet: a joiner may see it before its URL exists.
std::optional<std::chrono::seconds> remaining(const json& login, SystemTime now) {
    auto t = parse_utc(str(login, "expires_at"));
    if (!t) return std::nullopt;
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

    void show(std::optional<std::chrono::seconds> left) {
        static constexpr const char* kSpinner[] = {"|", "/", "-", "\\"};
        std::string text = "Waiting for you to sign in";
        if (left) text += " (" + format_duration(*left) + " left)";
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

// An unbuffered ostream over a file descriptor (the terminal, for credential-process).
class FdBuf : public std::streambuf {
  public:
    explicit FdBuf(int fd) : fd_(fd) {}

  protected:
    int_type overflow(int_type c) override {
        if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
        const char ch = traits_type::to_char_type(c);
        return write_all(&ch, 1) ? c : traits_type::eof();
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        return write_all(s, static_cast<std::size_t>(n)) ? n : 0;
    }

  private:
    bool write_all(const char* s, std::size_t n) {
        while (n > 0) {
            const ssize_t w = ::write(fd_, s, n);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) return false;
            s += w;
            n -= static_cast<std::size_t>(w);
        }
        return true;
    }
    int fd_;
};

struct TerminalStream {
    explicit TerminalStream(UniqueFd f) : fd(std::move(f)), buf(fd.get()), out(&buf) {}
    UniqueFd fd;
    FdBuf buf;
    std::ostream out;
};

Error interrupted(std::string message) {
    Error e = Error::make(ErrorCode::Cancelled, std::move(message));
    e.upstream_type = std::string(kInterrupted);
    return e;
}

// What the person is told about the flow: which one and why, or, for a joiner, that the
// running login uses another flow than the one that suits here, and what to do about it.
void say_flow(std::ostream& out, const FlowChoice& wanted, SigninFlow actual, bool joined) {
    if (joined) {
        if (actual == wanted.flow) return;
        out << "It uses " << flow_label(actual) << ", not " << flow_label(wanted.flow) << " ("
            << wanted.reason << "): finish it at the URL below, or run `ssocred login --force"
            << (wanted.flow == SigninFlow::DeviceCode ? " --use-device-code" : "")
            << "` to cancel it and start " << flow_label(wanted.flow) << ".\n";
        return;
    }
    out << "Using " << flow_label(actual) << ": ";
    if (actual == wanted.flow)
        out << wanted.reason << ".\n";
    else  // the daemon signs in to legacy sessions (sso_start_url in a profile) this way only
        out << "the session is configured the legacy way (sso_start_url in a profile), which "
               "signs in only this way.\n";
}

void say_browser(std::ostream& out, SigninFlow flow, bool opened) {
    if (opened) {
        out << "Opened your browser.\n";
    } else if (flow == SigninFlow::Pkce) {
        out << "Could not open a browser: open the URL above in a browser on this machine (the "
               "sign-in returns to it), or run `ssocred login --use-device-code` to sign in on "
               "another device.\n";
    } else {
        out << "Open the URL above in a browser on any device.\n";
    }
}

bool mentions(const std::string& text, const std::string& what) {
    return text.find(what) != std::string::npos;
}

}  // namespace

Talk talk_on_stderr(const Context& ctx) {
    Talk t;
    t.out = &ctx.err;
    t.tty = ctx.stderr_tty;
    t.style = ctx.err_style;
    t.fd = STDERR_FILENO;
    return t;
}

std::optional<Talk> talk_on_terminal(const Context& ctx) {
    UniqueFd fd(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!fd) return std::nullopt;
    auto stream = std::make_shared<TerminalStream>(std::move(fd));
    Talk t;
    t.out = &stream->out;
    t.tty = true;
    t.style.color = color_wanted(true, ctx.global.no_color);
    t.fd = stream->fd.get();
    t.owner = stream;
    return t;
}

Expected<json> run_login(Context& ctx, const LoginRequest& request, const Talk& talk) {
    std::ostream& out = *talk.out;
    const Style& style = talk.style;
    const FlowChoice wanted = choose_flow(request.use_device_code, process_env());

    json body = json::object();
    if (request.sso_session) body["sso_session"] = *request.sso_session;
    if (request.profile) body["profile"] = *request.profile;
    if (wanted.flow == SigninFlow::DeviceCode) body["use_device_code"] = true;
    if (!request.force) body["if_needed"] = true;

    ControlClient client = ctx.client();
    auto started = client.call("POST", "/v1/login", body);
    if (!started) return std::move(started).error();
    warn_config_error(ctx, *started);
    json login = *started;
    if (str(login, "state") == "logged_in") return login;  // no login needed (not --force)
    if (request.force && flag(login, "joined")) {
        // --force never joins: the running login is cancelled and ours starts.
        (void)client.call("DELETE", "/v1/login/" + url_encode(str(login, "id")));
        out << "Cancelled the sign-in to " << style.bold(str(login, "session"))
            << " that was running (--force).\n";
        started = client.call("POST", "/v1/login", body);
        if (!started) return std::move(started).error();
        login = *started;
    }
    const std::string id = str(login, "id");
    const std::string session = str(login, "session");
    if (id.empty()) return Error::make(ErrorCode::BadResponse, "ssocredd did not start a login");
    const bool joined = flag(login, "joined");

    if (joined)
        out << "A sign-in to " << style.bold(session) << " is already running; waiting for it.\n";
    if (auto flow = opt_str(login, "flow"))
        say_flow(out, wanted, *flow == "device_code" ? SigninFlow::DeviceCode : SigninFlow::Pkce,
                 joined);
    const SigninFlow actual =
        str(login, "flow") == "device_code" ? SigninFlow::DeviceCode : SigninFlow::Pkce;
    // No URL: the login failed before there was anything to open (RegisterClient or
    // StartDeviceAuthorization refused; the state loop below reports why), or it has not
    // got one yet (a joiner's, or one whose upstream start is slow: the daemon answers
    // after 20 s without it), shown when a poll brings it.
    bool url_shown = false;
    auto show_url = [&] {
        const std::string url = str(login, "url");
        if (url_shown || url.empty()) return;
        out << "Sign in to " << style.bold(session) << " at:\n\n  " << style.cyan(url) << "\n\n";
        if (auto code = opt_str(login, "user_code"))
            out << "and check that the page shows the code " << style.bold(*code) << "\n\n";
        out << std::flush;
        url_shown = true;
    };
    // A joiner leaves the browser to the one who started the login (one tab, not one per
    // process asking). Opened once, when the URL is first shown.
    bool browser_offered = joined || request.no_browser;
    auto offer_browser = [&] {
        const std::string url = str(login, "url");
        if (browser_offered || url.empty()) return;
        say_browser(out, actual, open_in_browser(url, talk.fd));
        out << std::flush;
        browser_offered = true;
    };

    // Ctrl-C (and SIGTERM/SIGHUP) must cancel the login in the daemon, not just kill us;
    // installed before the browser runs, which a $BROWSER command may do in the foreground.
    SignalPipe signals({SIGINT, SIGTERM, SIGHUP});
    show_url();
    offer_browser();

    const std::string poll_base = "/v1/login/" + url_encode(id);
    // Only the process that started the login cancels it; a joiner stops its own wait.
    auto stop = [&]() -> Error {
        if (joined) {
            out << "Stopped waiting; the sign-in goes on where it was started.\n";
            return interrupted("stopped waiting for the sign-in to " + session);
        }
        (void)client.call("DELETE", poll_base);  // best effort: it expires on its own anyway
        out << "Login cancelled.\n";
        return interrupted("the login was cancelled");
    };

    Progress progress(out, talk.tty, style);
    for (;;) {
        if (signals.received()) {
            progress.clear();
            return stop();
        }
        const std::string state = str(login, "state");
        if (state != "pending") {
            progress.clear();
            if (state == "succeeded") return login;
            if (state == "cancelled")
                return Error::make(ErrorCode::Cancelled, "the login was cancelled");
            return Error::make(ErrorCode::AccessDenied, str(login, "error", "the login failed"));
        }
        if (!url_shown && !str(login, "url").empty()) {
            progress.clear();
            show_url();
            offer_browser();
        }
        const auto left = remaining(login, std::chrono::system_clock::now());
        if (left && left->count() <= 0) {
            progress.clear();
            if (!joined) (void)client.call("DELETE", poll_base);
            return Error::make(ErrorCode::ExpiredToken,
                               "the login timed out: run `ssocred login` again");
        }
        progress.show(left);

        const int wait =
            static_cast<int>(std::clamp<long long>(left ? left->count() : kMaxWait, 1, kMaxWait));
        RequestOptions opts;
        opts.timeout = std::chrono::seconds(wait + 15);
        opts.cancel_fd = signals.fd();
        if (talk.tty)
            opts.on_tick = [&] {
                progress.show(remaining(login, std::chrono::system_clock::now()));
            };
        auto next =
            client.call("GET", poll_base + "?wait=" + std::to_string(wait), std::nullopt, opts);
        if (signals.received()) {
            progress.clear();
            return stop();
        }
        if (!next) {
            progress.clear();
            return std::move(next).error();
        }
        login = *next;
    }
}

bool no_login_setting(const EnvLookup& env) {
    auto v = env("SSOCRED_NO_LOGIN");
    if (!v) return false;
    std::string s = *v;
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return !(s.empty() || s == "0" || s == "false" || s == "no" || s == "off");
}

SigninPolicy signin_policy(const Args& args, const EnvLookup& env) {
    SigninPolicy p;
    if (args.has("--no-login") || no_login_setting(env)) p.allowed = false;
    return p;
}

SigninPolicy credential_process_signin_policy(const Context& ctx, const Args& args,
                                              const EnvLookup& env) {
    SigninPolicy p = signin_policy(args, env);
    if (!p.allowed) return p;
    // stdout is the SDK's JSON and the SDK shows stderr only when we fail: a person is
    // reached on the terminal, when there is one.
    if (auto terminal = talk_on_terminal(ctx)) {
        p.talk = std::move(terminal);
        return p;
    }
    if (args.has("--auto-login")) return p;  // no terminal: the browser is the way
    p.allowed = false;
    p.hint = "(credential-process signs in only on a terminal, or with --auto-login)";
    return p;
}

bool needs_signin(const Error& error) {
    return from_wire(error.upstream_type) == WireError::LoginRequired;
}

Status sign_in_for(Context& ctx, const SigninPolicy& policy, const Error& error) {
    const std::string& session = error.session;
    if (!policy.allowed) {
        // Fail fast with the daemon's message and the exact command to run.
        const std::string command =
            "ssocred login" + (session.empty() ? std::string() : " --sso-session " + session);
        Error e = error;
        if (!mentions(e.message, "`" + command + "`")) {
            const std::string plain = "`ssocred login`";
            if (const auto at = e.message.find(plain); at != std::string::npos)
                e.message.replace(at, plain.size(), "`" + command + "`");
            else
                e.message += ": run `" + command + "`";
        }
        if (!policy.hint.empty()) e.message += " " + policy.hint;
        return e;
    }
    const Talk talk = policy.talk ? *policy.talk : talk_on_stderr(ctx);
    *talk.out << "ssocred: "
              << (session.empty() ? std::string("the SSO session")
                                  : "SSO session " + talk.style.bold(session))
              << " needs a sign-in; starting it (--no-login or SSOCRED_NO_LOGIN=1 to fail "
                 "instead).\n"
              << std::flush;
    LoginRequest request = policy.login;
    if (!session.empty()) request.sso_session = session;
    auto login = run_login(ctx, request, talk);
    if (!login) return std::move(login).error();
    if (str(*login, "state") == "succeeded")
        *talk.out << talk.style.green("Signed in") << " to "
                  << talk.style.bold(str(*login, "session")) << ".\n"
                  << std::flush;
    return ok();
}

Status ensure_signed_in(Context& ctx, const SigninPolicy& policy,
                        const std::optional<std::string>& profile) {
    std::string target = "/v1/credentials";
    if (profile) target += "?profile=" + url_encode(*profile);
    return with_signin(ctx, policy, [&]() -> Status {
        auto creds = ctx.client().get(target);
        if (creds || !needs_signin(creds.error())) return ok();
        return std::move(creds).error();
    });
}

Expected<PreparedEnv> signed_in_env(Context& ctx, const SigninPolicy& policy,
                                    const ControlClient& client, const EnvRequest& req,
                                    std::string_view label) {
    auto prepared =
        with_signin(ctx, policy, [&] { return request_env(client, req, label, process_env()); });
    if (prepared || !is_unknown_endpoint(prepared.error())) return prepared;
    if (auto st = ensure_signed_in(ctx, policy, req.profile); !st) return std::move(st).error();
    return prepare_env(client, req, label, process_env());
}

}  // namespace ssocred::cli
