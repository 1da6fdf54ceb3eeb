#include "sso/pkce_login.hpp"

#include <thread>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "ssocred/crypto.hpp"

#include "sso/pkce.hpp"

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

// Owns the listener thread; stops and joins it on destruction.
class RedirectListener {
  public:
    RedirectListener(const std::string& state, Callback& cb, LoginTask& task) {
        server_.set_keep_alive_max_count(1);
        server_.set_read_timeout(10, 0);
        server_.Get("/oauth/callback", [&cb, &task, state](const httplib::Request& req,
                                                           httplib::Response& res) {
            res.set_header("Cache-Control", "no-store");
            res.set_header("Referrer-Policy", "no-referrer");
            const std::string got_state = req.get_param_value("state");
            if (!crypto::constant_time_equals(got_state, state)) {
                spdlog::warn("login redirect with a wrong or missing state ignored");
                res.status = 400;
                res.set_content(kFailedPage, "text/html; charset=utf-8");
                return;
            }
            {
                std::lock_guard lock(cb.mu);
                if (cb.done) {
                    res.set_content(kDonePage, "text/html; charset=utf-8");
                    return;
                }
                if (req.has_param("error")) {
                    cb.error = req.get_param_value("error").substr(0, 100);
                    const std::string desc =
                        req.get_param_value("error_description").substr(0, 200);
                    if (!desc.empty()) cb.error += ": " + desc;
                    res.set_content(kFailedPage, "text/html; charset=utf-8");
                } else if (req.has_param("code") && !req.get_param_value("code").empty()) {
                    cb.code = Secret(req.get_param_value("code"));
                    res.set_content(kDonePage, "text/html; charset=utf-8");
                } else {
                    res.status = 400;
                    res.set_content(kFailedPage, "text/html; charset=utf-8");
                    return;
                }
                cb.done = true;
            }
            task.notify();
        });
        port_ = server_.bind_to_any_port("127.0.0.1");
        if (port_ <= 0) return;
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        // stop() before listen starts would be lost; wait until the loop runs.
        for (int i = 0; i < 200 && !server_.is_running(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    ~RedirectListener() {
        server_.stop();
        if (thread_.joinable()) thread_.join();
    }
    RedirectListener(const RedirectListener&) = delete;
    RedirectListener& operator=(const RedirectListener&) = delete;

    int port() const { return port_; }

  private:
    httplib::Server server_;
    int port_ = -1;
    std::thread thread_;
};

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

Expected<LoginOutcome> run_pkce_login(LoginContext& ctx, const PkceOptions& options) {
    const std::vector<std::string> scopes =
        ctx.scopes.empty() ? std::vector<std::string>{"sso:account:access"} : ctx.scopes;
    auto reg = auth_code_registration(ctx, scopes);
    if (!reg) return std::move(reg).error();

    const Secret verifier = make_code_verifier();
    const std::string state = crypto::random_uuid4();
    Callback cb;
    RedirectListener listener(state, cb, ctx.task);
    if (listener.port() <= 0) {
        return Error::make(ErrorCode::Io,
                           "could not open the login redirect listener on 127.0.0.1");
    }
    const std::string redirect_uri =
        "http://127.0.0.1:" + std::to_string(listener.port()) + "/oauth/callback";
    const std::string url =
        build_authorize_url(ctx.oidc.authorize_origin(), reg->client_id, redirect_uri, state,
                            scopes, code_challenge_s256(verifier));
    ctx.task.set_prompt(url, "", ctx.clock.now() + options.overall_timeout);
    spdlog::info("login for {}: waiting for the browser redirect on 127.0.0.1:{}", ctx.session_id,
                 listener.port());

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
