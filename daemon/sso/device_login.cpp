#include "sso/device_login.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace ssocred::sso {

bool registration_reusable(const ClientRegistration& reg, bool for_auth_code, SystemTime now) {
    if (reg.client_id.empty() || reg.client_secret.empty()) return false;
    if (reg.expires_at - now <= std::chrono::minutes(15)) return false;
    const bool is_auth_code = std::find(reg.grant_types.begin(), reg.grant_types.end(),
                                        "authorization_code") != reg.grant_types.end();
    return is_auth_code == for_auth_code;
}

std::string client_name(const LoginContext& ctx) {
    if (ctx.legacy) return "ssocred-client-" + std::to_string(to_epoch_seconds(ctx.clock.now()));
    return "ssocred-client-" + ctx.session_id;
}

namespace {

std::chrono::milliseconds scaled(std::chrono::seconds s, double scale) {
    return std::chrono::milliseconds(
        static_cast<long long>(static_cast<double>(s.count()) * 1000.0 * scale));
}

Expected<ClientRegistration> device_registration(LoginContext& ctx) {
    if (ctx.cached_registration &&
        registration_reusable(*ctx.cached_registration, false, ctx.clock.now())) {
        return *ctx.cached_registration;
    }
    RegisterClientRequest req;
    req.client_name = client_name(ctx);
    req.scopes = ctx.scopes;
    return ctx.oidc.register_client(req);
}

}  // namespace

Expected<LoginOutcome> run_device_login(LoginContext& ctx) {
    auto reg = device_registration(ctx);
    if (!reg) return std::move(reg).error();
    if (ctx.task.cancelled()) return Error::make(ErrorCode::Cancelled, "the login was cancelled");
    auto auth = ctx.oidc.start_device_authorization(*reg, ctx.start_url);
    if (!auth) {
        if (auth.error().code == ErrorCode::InvalidClient) {
            // A cached registration upstream no longer honours: register afresh once.
            ctx.cached_registration.reset();
            reg = device_registration(ctx);
            if (!reg) return std::move(reg).error();
            auth = ctx.oidc.start_device_authorization(*reg, ctx.start_url);
        }
        if (!auth) return std::move(auth).error();
    }
    const auto deadline =
        std::chrono::steady_clock::now() + scaled(auth->expires_in, ctx.time_scale);
    std::chrono::seconds interval = auth->interval;
    bool prompted = false;
    for (;;) {
        auto token = ctx.oidc.create_token_device(*reg, auth->device_code);
        if (token) return LoginOutcome{std::move(*token), std::move(*reg), ctx.clock.now()};
        const Error& e = token.error();
        switch (e.code) {
            case ErrorCode::AuthorizationPending:
                break;
            case ErrorCode::SlowDown:
                interval += std::chrono::seconds(5);
                break;
            case ErrorCode::ExpiredToken:
                return Error::make(
                    ErrorCode::ExpiredToken,
                    "the device code expired before the login was approved; run the login again");
            case ErrorCode::AccessDenied:
                return Error::make(ErrorCode::AccessDenied, "the login was denied in the browser");
            default:
                if (!is_transient(e)) return e;
                spdlog::info("device login: CreateToken failed ({}), polling on", e.message);
                break;
        }
        if (!prompted) {  // after the immediate attempt (a pre-approved client needs no prompt)
            ctx.task.set_prompt(auth->verification_uri_complete, auth->user_code,
                                ctx.clock.now() + auth->expires_in);
            prompted = true;
        }
        if (std::chrono::steady_clock::now() + scaled(interval, ctx.time_scale) >= deadline) {
            return Error::make(
                ErrorCode::ExpiredToken,
                "the device code expired before the login was approved; run the login again");
        }
        if (!ctx.task.sleep_for(scaled(interval, ctx.time_scale))) {
            return Error::make(ErrorCode::Cancelled, "the login was cancelled");
        }
    }
}

}  // namespace ssocred::sso
