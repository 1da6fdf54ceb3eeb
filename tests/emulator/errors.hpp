// Error replies in the exact shapes of the real services (PROTOCOLS.md §2.1, §3, §4).
//
// botocore takes the error code from the x-amzn-ErrorType header, else from the body's
// __type; the message from the body's message. OIDC errors additionally carry the OAuth
// members error / error_description, which other SDKs and tools read.
#pragma once

#include <string>
#include <string_view>

#include "http.hpp"

namespace emu {

enum class Service { Oidc, Portal };

// One modelled error: its shape name, its HTTP status and (OIDC only) its OAuth code.
struct ErrorShape {
    std::string_view name;
    http::status status;
    std::string_view oauth_code;  // empty for portal shapes
};

namespace oidc_errors {
inline constexpr ErrorShape kInvalidRequest{"InvalidRequestException", http::status::bad_request,
                                            "invalid_request"};
inline constexpr ErrorShape kInvalidClient{"InvalidClientException", http::status::unauthorized,
                                           "invalid_client"};
inline constexpr ErrorShape kInvalidClientMetadata{
    "InvalidClientMetadataException", http::status::bad_request, "invalid_client_metadata"};
inline constexpr ErrorShape kInvalidRedirectUri{"InvalidRedirectUriException",
                                                http::status::bad_request, "invalid_redirect_uri"};
inline constexpr ErrorShape kUnsupportedGrantType{
    "UnsupportedGrantTypeException", http::status::bad_request, "unsupported_grant_type"};
inline constexpr ErrorShape kInvalidScope{"InvalidScopeException", http::status::bad_request,
                                          "invalid_scope"};
inline constexpr ErrorShape kUnauthorizedClient{"UnauthorizedClientException",
                                                http::status::bad_request, "unauthorized_client"};
inline constexpr ErrorShape kAuthorizationPending{
    "AuthorizationPendingException", http::status::bad_request, "authorization_pending"};
inline constexpr ErrorShape kSlowDown{"SlowDownException", http::status::bad_request, "slow_down"};
inline constexpr ErrorShape kExpiredToken{"ExpiredTokenException", http::status::bad_request,
                                          "expired_token"};
inline constexpr ErrorShape kAccessDenied{"AccessDeniedException", http::status::bad_request,
                                          "access_denied"};
inline constexpr ErrorShape kInvalidGrant{"InvalidGrantException", http::status::bad_request,
                                          "invalid_grant"};
inline constexpr ErrorShape kInternalServer{"InternalServerException",
                                            http::status::internal_server_error, "server_error"};
// Not modelled for OIDC; used by the status429 fault so both services throttle alike.
inline constexpr ErrorShape kTooManyRequests{"TooManyRequestsException",
                                             http::status::too_many_requests, "slow_down"};
}  // namespace oidc_errors

namespace portal_errors {
inline constexpr ErrorShape kInvalidRequest{
    "InvalidRequestException", http::status::bad_request, {}};
inline constexpr ErrorShape kUnauthorized{"UnauthorizedException", http::status::unauthorized, {}};
inline constexpr ErrorShape kTooManyRequests{
    "TooManyRequestsException", http::status::too_many_requests, {}};
inline constexpr ErrorShape kResourceNotFound{
    "ResourceNotFoundException", http::status::not_found, {}};
// Not modelled for the portal; what a service fault looks like (status500 fault).
inline constexpr ErrorShape kInternalServer{
    "InternalServerException", http::status::internal_server_error, {}};
}  // namespace portal_errors

// The reply for `shape` as `service` sends it.
Response error_reply(Service service, const ErrorShape& shape, std::string_view message);

// Neither service knows the path: what AWS front ends answer for an unknown operation.
Response unknown_operation_reply(std::string_view method, std::string_view path);

}  // namespace emu
