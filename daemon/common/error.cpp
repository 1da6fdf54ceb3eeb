#include "ssocred/expected.hpp"

namespace ssocred {

const char* to_string(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::Invalid:
            return "invalid";
        case ErrorCode::NotFound:
            return "not_found";
        case ErrorCode::Io:
            return "io";
        case ErrorCode::Network:
            return "network";
        case ErrorCode::Timeout:
            return "timeout";
        case ErrorCode::Throttled:
            return "throttled";
        case ErrorCode::UpstreamFault:
            return "upstream_fault";
        case ErrorCode::BadResponse:
            return "bad_response";
        case ErrorCode::Unauthorized:
            return "unauthorized";
        case ErrorCode::InvalidGrant:
            return "invalid_grant";
        case ErrorCode::InvalidClient:
            return "invalid_client";
        case ErrorCode::AuthorizationPending:
            return "authorization_pending";
        case ErrorCode::SlowDown:
            return "slow_down";
        case ErrorCode::ExpiredToken:
            return "expired_token";
        case ErrorCode::AccessDenied:
            return "access_denied";
        case ErrorCode::LoginRequired:
            return "login_required";
        case ErrorCode::Forbidden:
            return "forbidden";
        case ErrorCode::Cancelled:
            return "cancelled";
        case ErrorCode::Internal:
            return "internal";
    }
    return "internal";
}

}  // namespace ssocred
