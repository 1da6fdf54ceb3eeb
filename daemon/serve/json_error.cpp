#include "serve/json_error.hpp"

#include <nlohmann/json.hpp>

namespace ssocred::serve {

std::string json_error_body(std::string_view code, std::string_view message) {
    // nlohmann escapes the strings; invalid UTF-8 is replaced rather than thrown on, since
    // a message may quote a user-supplied profile name.
    nlohmann::json j{{"code", code}, {"message", message}, {"Code", code}, {"Message", message}};
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response json_error(unsigned status, std::string_view code, std::string_view message) {
    Response r;
    r.status = status;
    r.content_type = "application/json";
    r.body = json_error_body(code, message);
    return r;
}

std::string_view error_code_for(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::NotFound:
            return "not_found";
        case ErrorCode::Invalid:
            return "invalid";
        case ErrorCode::Forbidden:
        case ErrorCode::AccessDenied:
            return "forbidden";
        case ErrorCode::LoginRequired:
        case ErrorCode::InvalidGrant:
        case ErrorCode::Unauthorized:
        case ErrorCode::InvalidClient:
        case ErrorCode::ExpiredToken:
            return "login_required";
        case ErrorCode::Network:
        case ErrorCode::Timeout:
        case ErrorCode::Throttled:
        case ErrorCode::UpstreamFault:
        case ErrorCode::BadResponse:
        case ErrorCode::SlowDown:
        case ErrorCode::AuthorizationPending:
        case ErrorCode::Cancelled:
            return "upstream_unavailable";
        case ErrorCode::Io:
        case ErrorCode::Internal:
            return "internal";
    }
    return "internal";
}

Response json_error(const Error& error) {
    Response r = json_error(http_status_for(error.code), error_code_for(error.code), error.message);
    // Which session needs a login, so the CLI can sign in to it (docs/control-api.md).
    if (!error.session.empty() && error_code_for(error.code) == "login_required") {
        nlohmann::json j = nlohmann::json::parse(r.body);
        j["session"] = error.session;
        r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    return r;
}

unsigned http_status_for(ErrorCode code) noexcept {
    // The status follows from the API error code (docs/control-api.md), so the mapping
    // from ErrorCode lives in one switch: error_code_for.
    const std::string_view name = error_code_for(code);
    if (name == "not_found") return 404;
    if (name == "invalid") return 400;
    if (name == "forbidden") return 403;
    if (name == "login_required" || name == "upstream_unavailable") return 503;
    return 500;
}

}  // namespace ssocred::serve
