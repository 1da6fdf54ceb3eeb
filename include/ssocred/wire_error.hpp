// The error vocabulary of ssocredd's HTTP answers: the `code` member of every JSON error
// body (docs/control-api.md, docs/endpoints.md). The daemon emits these codes and the CLI
// reads them back, both through this one table, so neither spells a code as a literal.
#pragma once

#include <cstddef>
#include <iterator>
#include <optional>
#include <string_view>

#include "ssocred/expected.hpp"

namespace ssocred {

enum class WireError {
    // The control API's codes (docs/control-api.md).
    Invalid,
    NotFound,
    LoginRequired,
    Forbidden,
    UpstreamUnavailable,
    Conflict,
    Internal,
    // Answers of the serving plane's HTTP layer (docs/endpoints.md).
    Unauthorized,
    MethodNotAllowed,
    PayloadTooLarge,
    RequestHeaderFieldsTooLarge,
    NotImplemented,
    // The listener's answer over a connection budget, sent before any session exists
    // (docs/endpoints.md, "Connection budgets").
    Unavailable,
};

struct WireErrorEntry {
    WireError error;
    std::string_view code;  // on the wire
    unsigned http_status;   // the status it is sent with
};

// In enum order (checked below): to_wire indexes it.
inline constexpr WireErrorEntry kWireErrors[] = {
    {WireError::Invalid, "invalid", 400},
    {WireError::NotFound, "not_found", 404},
    {WireError::LoginRequired, "login_required", 503},
    {WireError::Forbidden, "forbidden", 403},
    {WireError::UpstreamUnavailable, "upstream_unavailable", 503},
    {WireError::Conflict, "conflict", 409},
    {WireError::Internal, "internal", 500},
    {WireError::Unauthorized, "unauthorized", 401},
    {WireError::MethodNotAllowed, "method_not_allowed", 405},
    {WireError::PayloadTooLarge, "payload_too_large", 413},
    {WireError::RequestHeaderFieldsTooLarge, "request_header_fields_too_large", 431},
    {WireError::NotImplemented, "not_implemented", 501},
    {WireError::Unavailable, "unavailable", 503},
};

namespace wire_detail {
constexpr bool table_in_enum_order() {
    for (std::size_t i = 0; i < std::size(kWireErrors); ++i)
        if (static_cast<std::size_t>(kWireErrors[i].error) != i) return false;
    return static_cast<std::size_t>(WireError::Unavailable) + 1 == std::size(kWireErrors);
}
static_assert(table_in_enum_order(), "kWireErrors: one row per WireError, in enum order");
}  // namespace wire_detail

constexpr std::string_view to_wire(WireError e) noexcept {
    return kWireErrors[static_cast<std::size_t>(e)].code;
}

constexpr unsigned http_status_of(WireError e) noexcept {
    return kWireErrors[static_cast<std::size_t>(e)].http_status;
}

// nullopt for a code this build does not know (a newer daemon's, or none at all).
constexpr std::optional<WireError> from_wire(std::string_view code) noexcept {
    for (const auto& entry : kWireErrors)
        if (entry.code == code) return entry.error;
    return std::nullopt;
}

// The daemon's answer for an internal error: a login the user must do, an upstream that may
// come back, the caller's fault, or ours.
constexpr WireError wire_error_for(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::NotFound:
            return WireError::NotFound;
        case ErrorCode::Invalid:
            return WireError::Invalid;
        case ErrorCode::Forbidden:
        case ErrorCode::AccessDenied:
            return WireError::Forbidden;
        case ErrorCode::LoginRequired:
        case ErrorCode::InvalidGrant:
        case ErrorCode::Unauthorized:
        case ErrorCode::InvalidClient:
        case ErrorCode::ExpiredToken:
            return WireError::LoginRequired;
        case ErrorCode::Network:
        case ErrorCode::Timeout:
        case ErrorCode::Throttled:
        case ErrorCode::UpstreamFault:
        case ErrorCode::BadResponse:
        case ErrorCode::SlowDown:
        case ErrorCode::AuthorizationPending:
        case ErrorCode::Cancelled:
            return WireError::UpstreamUnavailable;
        case ErrorCode::Io:
        case ErrorCode::Internal:
            return WireError::Internal;
    }
    return WireError::Internal;
}

// The CLI's ErrorCode for the daemon's answer: by its code when the code says what to do,
// else by the HTTP status.
constexpr ErrorCode error_code_from_wire(std::string_view code, int status) noexcept {
    if (const auto wire = from_wire(code)) {
        switch (*wire) {
            case WireError::Invalid:
            case WireError::Conflict:
                return ErrorCode::Invalid;
            case WireError::NotFound:
                return ErrorCode::NotFound;
            case WireError::LoginRequired:
                return ErrorCode::LoginRequired;
            case WireError::Forbidden:
                return ErrorCode::Forbidden;
            case WireError::UpstreamUnavailable:
                return ErrorCode::Network;
            default:
                break;  // the status says it
        }
    }
    if (status == 404) return ErrorCode::NotFound;
    if (status == 403) return ErrorCode::Forbidden;
    if (status >= 400 && status < 500) return ErrorCode::Invalid;
    return ErrorCode::Internal;
}

}  // namespace ssocred
