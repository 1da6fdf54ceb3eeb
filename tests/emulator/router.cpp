#include "router.hpp"

#include <array>
#include <iostream>

#include "ssocred/crypto.hpp"

#include "admin.hpp"
#include "errors.hpp"
#include "federation.hpp"
#include "oidc.hpp"
#include "portal.hpp"
#include "sts_service.hpp"

namespace emu {

namespace {

enum class Op {
    RegisterClient,
    StartDeviceAuthorization,
    CreateToken,
    Authorize,
    VerifyDevice,
    GetRoleCredentials,
    ListAccounts,
    ListAccountRoles,
    Logout,
};

struct Route {
    http::verb method;
    std::string_view path;
    std::string_view name;
    Service service;
    Op op;
};

constexpr std::array<Route, 9> kRoutes{{
    {http::verb::post, "/client/register", "RegisterClient", Service::Oidc, Op::RegisterClient},
    {http::verb::post, "/device_authorization", "StartDeviceAuthorization", Service::Oidc,
     Op::StartDeviceAuthorization},
    {http::verb::post, "/token", "CreateToken", Service::Oidc, Op::CreateToken},
    {http::verb::get, "/authorize", "Authorize", Service::Oidc, Op::Authorize},
    {http::verb::get, "/device", "VerifyDevice", Service::Oidc, Op::VerifyDevice},
    {http::verb::get, "/federation/credentials", "GetRoleCredentials", Service::Portal,
     Op::GetRoleCredentials},
    {http::verb::get, "/assignment/accounts", "ListAccounts", Service::Portal, Op::ListAccounts},
    {http::verb::get, "/assignment/roles", "ListAccountRoles", Service::Portal,
     Op::ListAccountRoles},
    {http::verb::post, "/logout", "Logout", Service::Portal, Op::Logout},
}};

Service service_for_path(std::string_view path) {
    for (const auto& r : kRoutes) {
        if (r.path == path) return r.service;
    }
    return Service::Oidc;
}

Response run(State& state, const Route& route, const Request& req, const Target& target) {
    switch (route.op) {
        case Op::RegisterClient:
            return register_client(state, req);
        case Op::StartDeviceAuthorization:
            return start_device_authorization(state, req);
        case Op::CreateToken:
            return create_token(state, req);
        case Op::Authorize:
            return authorize(state, target);
        case Op::VerifyDevice:
            return verify_device(state, target);
        case Op::GetRoleCredentials:
            return get_role_credentials(state, req, target);
        case Op::ListAccounts:
            return list_accounts(state, req, target);
        case Op::ListAccountRoles:
            return list_account_roles(state, req, target);
        case Op::Logout:
            return logout(state, req);
    }
    return unknown_operation_reply(req.method_string(), target.path);
}

// The body a broken upstream sends: valid start, then it stops (not parseable JSON).
constexpr std::string_view kMalformedJson = R"({"roleCredentials": {"accessKeyId": "ASIA)";
constexpr std::string_view kCaptivePortalPage =
    "<html><head><title>Sign in</title></head><body>Please sign in to the network."
    "</body></html>";

}  // namespace

void Router::stamp(Response& res, bool keep_alive) {
    res.set(http::field::date, ssocred::format_http_date(state_.now()));
    if (res.find(http::field::content_type) == res.end()) {
        res.set(http::field::content_type, "application/json");
    }
    res.set("x-amzn-RequestId", ssocred::crypto::random_uuid4());
    res.set(http::field::server, "ssocred-emulator");
    res.keep_alive(keep_alive);
    res.prepare_payload();
}

Response Router::unreadable(const Request& head, http::status status, std::string_view message) {
    ++counters_.unknown;
    const Service service = service_for_path(parse_target(head.target()).path);
    const ErrorShape shape{"InvalidRequestException", status, "invalid_request"};
    Response res = error_reply(service, shape, message);
    stamp(res, false);
    return res;
}

Outcome Router::handle(const Request& req) {
    Outcome out = dispatch(req);
    // One line per request on stderr for test logs: no query string, so no codes or tokens.
    std::cerr << req.method_string() << ' ' << parse_target(req.target()).path << ' '
              << out.response.result_int()
              << (out.delivery == Delivery::Reset      ? " (reset)"
                  : out.delivery == Delivery::Truncate ? " (truncated)"
                                                       : "")
              << '\n';
    return out;
}

Outcome Router::dispatch(const Request& req) {
    const Target target = parse_target(req.target());
    Outcome out;
    if (target.path.starts_with(kAdminPrefix)) {
        out.response = handle_admin(state_, faults_, counters_, req, target);
        stamp(out.response, req.keep_alive());
        return out;
    }

    // The sign-in federation endpoint: GET only, no injected faults.
    if (target.path == kFederationPath && req.method() == http::verb::get) {
        ++counters_.operations[federation_operation(target)];
        out.response = federation(state_, target);
        stamp(out.response, req.keep_alive());
        return out;
    }

    // STS AssumeRole for role chains (sts_service.hpp).
    if (is_sts_request(req, target)) {
        ++counters_.operations["AssumeRole"];
        out.response = sts_assume_role(state_, req, target);
        stamp(out.response, req.keep_alive());
        return out;
    }

    const Route* route = nullptr;
    const Route* same_path = nullptr;
    for (const auto& r : kRoutes) {
        if (r.path != target.path) continue;
        same_path = &r;
        if (r.method == req.method()) route = &r;
    }
    if (!route) {
        ++counters_.unknown;
        if (same_path) {
            const ErrorShape shape{"InvalidRequestException", http::status::method_not_allowed,
                                   "invalid_request"};
            out.response = error_reply(
                same_path->service, shape,
                "Method " + std::string(req.method_string()) + " is not allowed on " + target.path);
        } else {
            out.response = unknown_operation_reply(req.method_string(), target.path);
        }
        stamp(out.response, req.keep_alive());
        return out;
    }

    const std::string name(route->name);
    ++counters_.operations[name];
    if (route->op == Op::CreateToken) ++counters_.grants[grant_counter_name(req)];

    std::optional<FaultRule> fault = faults_.take(name);
    if (!fault) {
        out.response = run(state_, *route, req, target);
        stamp(out.response, req.keep_alive());
        return out;
    }
    ++counters_.faults_injected;
    out.delay = std::chrono::milliseconds(fault->delay_ms);
    const bool oidc = route->service == Service::Oidc;
    // Faults that stand for "the service never processed it" leave the state untouched;
    // delay and truncated model a processed call whose answer is slow or lost.
    switch (fault->kind) {
        case FaultKind::Status500:
            out.response =
                error_reply(route->service,
                            oidc ? oidc_errors::kInternalServer : portal_errors::kInternalServer,
                            "An internal error occurred (injected)");
            break;
        case FaultKind::Status429:
            out.response =
                error_reply(route->service,
                            oidc ? oidc_errors::kTooManyRequests : portal_errors::kTooManyRequests,
                            "Rate exceeded (injected)");
            break;
        case FaultKind::Reset:
            out.delivery = Delivery::Reset;
            break;
        case FaultKind::MalformedJson:
            out.response = empty_reply(http::status::ok);
            out.response.body() = kMalformedJson;
            break;
        case FaultKind::WrongContentType:
            out.response = empty_reply(http::status::ok);
            out.response.set(http::field::content_type, "text/html; charset=utf-8");
            out.response.body() = kCaptivePortalPage;
            break;
        case FaultKind::Truncated:
            out.delivery = Delivery::Truncate;
            out.response = run(state_, *route, req, target);
            break;
        case FaultKind::Delay:
            out.response = run(state_, *route, req, target);
            break;
    }
    stamp(out.response, req.keep_alive() && out.delivery == Delivery::Normal);
    return out;
}

}  // namespace emu
