// Signing in: the login routine of `ssocred login`, and the sign-in that every command
// needing credentials (exec, env, use, credential-process, console) starts when the daemon
// answers `login_required` for a session.
//
// One sign-in per SSO session however many processes ask: the daemon joins a second
// POST /v1/login to the running one (`joined`), and `if_needed` makes a process that asks
// after another one finished take the fresh token instead of starting over. A joiner never
// cancels the login it joined: Ctrl-C stops only its own wait.
#pragma once

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "ssocred/expected.hpp"

#include "args.hpp"
#include "env_plan.hpp"
#include "env_source.hpp"
#include "output.hpp"

namespace ssocred::cli {

struct Context;

// Error::upstream_type of a sign-in stopped by Ctrl-C (or SIGTERM/SIGHUP): exit 130.
inline constexpr std::string_view kInterrupted = "interrupted";

// Where a sign-in talks to the person: stderr, or the terminal itself (/dev/tty) for
// credential-process, whose stdout is the SDK's JSON and whose stderr the SDK hides.
struct Talk {
    std::ostream* out = nullptr;
    bool tty = false;  // a terminal: progress is redrawn in place
    Style style;
    int fd = 2;  // the same place as a file descriptor (a $BROWSER command's output)
    std::shared_ptr<void> owner;  // keeps /dev/tty open while out/fd are in use
};

Talk talk_on_stderr(const Context& ctx);
// The controlling terminal, when there is one (/dev/tty opens).
std::optional<Talk> talk_on_terminal(const Context& ctx);

struct LoginRequest {
    std::optional<std::string> sso_session;  // none: the profile's, else the default session
    std::optional<std::string> profile;
    bool use_device_code = false;  // --use-device-code: no flow choice
    bool no_browser = false;
    // --force: a new login even when the session is logged in, and never join a running one
    // (that one is cancelled). Without it a logged-in session gets no new login.
    bool force = false;
};

// Runs one login to its end: starts (or joins) it, shows the URL and the code, opens the
// browser, waits. The value is the daemon's final login object: state "succeeded", or
// "logged_in" when the session needed none (no --force). Errors: the login failed, timed
// out, was cancelled (upstream_type kInterrupted when we were interrupted).
Expected<nlohmann::json> run_login(Context& ctx, const LoginRequest& request, const Talk& talk);

// Whether, and how, a command may sign in when the daemon says a login is needed.
struct SigninPolicy {
    bool allowed = true;
    std::string refused_because;  // for the error: "--no-login was given", ...
    std::string hint;             // appended to the error: "or add --auto-login ..."
    LoginRequest login;           // flow and browser choices
    std::optional<Talk> talk;     // none: stderr
};

// exec, env, use, console: sign in unless --no-login or SSOCRED_NO_LOGIN.
SigninPolicy signin_policy(const Args& args, const EnvLookup& env);
// credential-process: also needs --auto-login or a terminal (then it talks there).
SigninPolicy credential_process_signin_policy(const Context& ctx, const Args& args,
                                              const EnvLookup& env);

// SSOCRED_NO_LOGIN set to anything but "", "0", "false", "no".
bool no_login_setting(const EnvLookup& env);

// The daemon's error says a session needs a login (`login_required`).
bool needs_signin(const Error& error);

// After `error` (login_required): signs in to its session when the policy allows, else
// returns the error with the exact command to run.
Status sign_in_for(Context& ctx, const SigninPolicy& policy, const Error& error);

// Runs fn (-> Expected<T>); when it fails because a session needs a login, signs in to that
// session (per the policy) and runs fn once more.
template <class F>
auto with_signin(Context& ctx, const SigninPolicy& policy, F&& fn) -> decltype(fn()) {
    auto result = fn();
    if (result || !needs_signin(result.error())) return result;
    if (auto signed_in = sign_in_for(ctx, policy, result.error()); !signed_in)
        return std::move(signed_in).error();
    return fn();
}

// For exec and env, before they hand out an endpoint: when the daemon says the role's
// session needs a login (GET /v1/credentials), sign in now rather than let the program
// fail later with a JSON error. Any other problem is left to show where it did before.
Status ensure_signed_in(Context& ctx, const SigninPolicy& policy,
                        const std::optional<std::string>& profile);

// What `env` and `exec` hand out, in one request on the way that matters (shell start-up
// files run `env`): POST /v1/env answers everything or `login_required`, and then this signs
// in and asks once more. A daemon older than this CLI (not restarted since an upgrade) gets
// the requests of before.
Expected<PreparedEnv> signed_in_env(Context& ctx, const SigninPolicy& policy,
                                    const ControlClient& client, const EnvRequest& req,
                                    std::string_view label);

}  // namespace ssocred::cli
