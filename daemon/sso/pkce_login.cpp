#include "sso/pkce_login.hpp"

#include <mutex>
#include <string_view>

#include <spdlog/spdlog.h>

#include "ssocred/crypto.hpp"

#include "sso/pkce.hpp"
#include "sso/redirect_listener.hpp"
#include "sso/url.hpp"

namespace ssocred::sso {
namespace {

constexpr const char* kRegisteredRedirect = "http://127.0.0.1/oauth/callback";

constexpr const char* kDonePage =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>ssocred</title></head>"
    "<body><p>ssocred: the login is complete. You can close this tab.</p></body></html>";
constexpr const char* kFailedPage =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>ssocred</title></head>"
    "<body><p>ssocred: the login failed. See the terminal for details.</p></body></html>";

// What the redirect delivered, written by the listener thread under the task's wait.
struct Callback {
    std::mutex mu;
    bool done = false;
    Secret code;
    std::string error;
};

// The query parameter `name` of `target` ("/path?a=1&b=2"), decoded; empty when absent.
std::string query_param(std::string_view target, std::string_view name, bool* present = nullptr) {
    const auto q = target.find('?');
    std::string_view rest = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        const auto eq = pair.find('=');
        if (percent_decode_lenient(pair.substr(0, eq)) != name) continue;
        if (present != nullptr) *present = true;
        return eq == std::string_view::npos ? std::string()
                                            : percent_decode_lenient(pair.substr(eq + 1));
    }
    if (present != nullptr) *present = false;
    return {};
}

// The redirect: `GET /oauth/callback?code=...&state=...` (or `error=...`), from our own
// user's browser (RedirectListener refuses every other uid before reading a byte).
RedirectReply on_redirect(std::string_view method, std::string_view target,
                          const std::string& state, Callback& cb, LoginTask& task) {
    const std::string_view path = target.substr(0, target.find('?'));
    if (method != "GET" || path != "/oauth/callback") return {404, "not found"};
    if (!crypto::constant_time_equals(query_param(target, "state"), state)) {
        spdlog::warn("login redirect with a wrong or missing state ignored");
        return {400, kFailedPage};
    }
    {
        std::lock_guard lock(cb.mu);
        if (cb.done) return {200, kDonePage};
        bool has_error = false;
        const std::string error = query_param(target, "error", &has_error);
        const std::string code = query_param(target, "code");
        if (has_error) {
            cb.error = error.substr(0, 100);
            const std::string desc = query_param(target, "error_description").substr(0, 200);
            if (!desc.empty()) cb.error += ": " + desc;
        } else if (!code.empty()) {
            cb.code = Secret(code);
        } else {
            return {400, kFailedPage};
        }
        cb.done = true;
    }
    task.notify();
    return {200, cb.error.empty() ? kDonePage : kFailedPage};
}

Expected<ClientRegistration> auth_code_registration(LoginContext& ctx,
                                                    const std::vector<std::string>& scopes) {
    if (ctx.cached_registration &&
        registration_reusable(*ctx.cached_registration, true, ctx.clock.now())) {
        return *ctx.cached_registration;
    }
    RegisterClientRequest req;
    req.client_name = client_name(ctx);
    req.scopes = scopes;
    req.grant_types = {"authorization_code", "refresh_token"};
    req.redirect_uris = {kRegisteredRedirect};
    req.issuer_url = ctx.start_url;
    return ctx.oidc.register_client(req);
}

}  // namespace

Expected<LoginOutcome> run_pkce_login(LoginContext& ctx, const PkceOptions& options,
                                      const RedirectListenerOptions& listener_options) {
    const std::vector<std::string> scopes =
        ctx.scopes.empty() ? std::vector<std::string>{"sso:account:access"} : ctx.scopes;
    auto reg = auth_code_registration(ctx, scopes);
    if (!reg) return std::move(reg).error();

    const Secret verifier = make_code_verifier();
    const std::string state = crypto::random_uuid4();
    Callback cb;
    auto listener = RedirectListener::open(
        [&cb, &task = ctx.task, state](std::string_view method, std::string_view target) {
            return on_redirect(method, target, state, cb, task);
        },
        listener_options);
    if (!listener) {
        return Error::make(ErrorCode::Io,
                           "could not open the login redirect listener on "
                           "127.0.0.1: " +
                               listener.error().message);
    }
    const int port = (*listener)->port();
    const std::string redirect_uri = "http://127.0.0.1:" + std::to_string(port) + "/oauth/callback";
    const std::string url =
        build_authorize_url(ctx.oidc.authorize_origin(), reg->client_id, redirect_uri, state,
                            scopes, code_challenge_s256(verifier));
    ctx.task.set_prompt(url, "", ctx.clock.now() + options.overall_timeout);
    spdlog::info("login for {}: waiting for the browser redirect on 127.0.0.1:{}", ctx.session_id,
                 port);

    const auto deadline = std::chrono::steady_clock::now() + options.overall_timeout;
    const bool got = ctx.task.wait_until(deadline, [&] {
        std::lock_guard lock(cb.mu);
        return cb.done;
    });
    if (ctx.task.cancelled()) return Error::make(ErrorCode::Cancelled, "the login was cancelled");
    if (!got) {
        return Error::make(
            ErrorCode::ExpiredToken,
            "the browser login did not complete within 10 minutes; run the login again "
            "(or use --use-device-code on a machine without a browser)");
    }
    Secret code;
    {
        std::lock_guard lock(cb.mu);
        if (!cb.error.empty()) {
            return Error::make(ErrorCode::AccessDenied, "the browser login failed: " + cb.error);
        }
        code = cb.code;
    }
    auto token = ctx.oidc.create_token_auth_code(*reg, code, redirect_uri, verifier);
    if (!token) {
        if (token.error().code == ErrorCode::ExpiredToken) {
            return Error::make(ErrorCode::ExpiredToken,
                               "the authorization code expired; run the login again");
        }
        return std::move(token).error();
    }
    return LoginOutcome{std::move(*token), std::move(*reg), ctx.clock.now()};
}

}  // namespace ssocred::sso
