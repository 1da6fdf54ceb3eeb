#include "sso/upstream_error.hpp"

#include "ssocred/json_fields.hpp"

namespace ssocred::sso {
namespace {

std::string clean(std::string_view s, std::size_t max) {
    std::string out;
    for (char c : s.substr(0, max)) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
    }
    if (s.size() > max) out += "...";
    return out;
}

struct Mapping {
    const char* type;   // normalized shape name
    const char* error;  // OIDC `error` member
    ErrorCode code;
};

constexpr Mapping kMappings[] = {
    {"AuthorizationPendingException", "authorization_pending", ErrorCode::AuthorizationPending},
    {"SlowDownException", "slow_down", ErrorCode::SlowDown},
    {"ExpiredTokenException", "expired_token", ErrorCode::ExpiredToken},
    {"AccessDeniedException", "access_denied", ErrorCode::AccessDenied},
    {"InvalidGrantException", "invalid_grant", ErrorCode::InvalidGrant},
    {"InvalidClientException", "invalid_client", ErrorCode::InvalidClient},
    // A registration of the wrong kind (device vs auth code) or a revoked one: re-register.
    {"UnauthorizedClientException", "unauthorized_client", ErrorCode::InvalidClient},
    {"UnauthorizedException", nullptr, ErrorCode::Unauthorized},
    {"ResourceNotFoundException", nullptr, ErrorCode::NotFound},
    {"TooManyRequestsException", nullptr, ErrorCode::Throttled},
    {"ThrottlingException", nullptr, ErrorCode::Throttled},
    {"InternalServerException", "server_error", ErrorCode::UpstreamFault},
    {"ForbiddenException", nullptr, ErrorCode::AccessDenied},
    {"InvalidRequestException", "invalid_request", ErrorCode::Invalid},
    {"InvalidScopeException", "invalid_scope", ErrorCode::Invalid},
    {"InvalidClientMetadataException", "invalid_client_metadata", ErrorCode::Invalid},
    {"InvalidRedirectUriException", "invalid_redirect_uri", ErrorCode::Invalid},
    {"UnsupportedGrantTypeException", "unsupported_grant_type", ErrorCode::Invalid},
};

std::optional<ErrorCode> code_for(std::string_view type, std::string_view oidc_error) {
    for (const auto& m : kMappings) {
        if (!type.empty() && type == m.type) return m.code;
        if (!oidc_error.empty() && m.error != nullptr && oidc_error == m.error) return m.code;
    }
    return std::nullopt;
}

}  // namespace

std::string normalize_error_type(std::string_view raw) {
    std::string_view t = raw.substr(0, raw.find(':'));
    if (const std::size_t hash = t.rfind('#'); hash != std::string_view::npos)
        t = t.substr(hash + 1);
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    return std::string(t);
}

Error bad_response(std::string_view operation, std::string_view what) {
    return Error::make(
        ErrorCode::BadResponse,
        std::string(operation) + ": unexpected response from upstream (" + std::string(what) + ")");
}

Error upstream_error(const HttpResponse& response, Upstream service, std::string_view operation) {
    std::string type = normalize_error_type(response.header("x-amzn-errortype"));
    std::string oidc_error;
    std::string message;
    if (auto body = jf::parse_object(response.body)) {
        if (type.empty()) {
            for (const char* key : {"__type", "code", "Code"}) {
                if (auto v = jf::string_member(*body, key); v && !v->empty()) {
                    type = normalize_error_type(*v);
                    break;
                }
            }
        }
        oidc_error = jf::string_member(*body, "error").value_or("");
        for (const char* key : {"message", "Message", "error_description"}) {
            if (auto v = jf::string_member(*body, key); v && !v->empty()) {
                message = *v;
                break;
            }
        }
    }
    std::optional<ErrorCode> code = code_for(type, oidc_error);
    const int status = response.status;
    if (!code) {
        if (status == 401) {
            code = service == Upstream::Portal ? ErrorCode::Unauthorized : ErrorCode::InvalidClient;
        } else if (status == 404) {
            code = ErrorCode::NotFound;
        } else if (status == 429) {
            code = ErrorCode::Throttled;
        } else if (status == 403) {
            code = ErrorCode::AccessDenied;
        } else if (status >= 500) {
            code = ErrorCode::UpstreamFault;
        } else if (status == 400) {
            code = ErrorCode::Invalid;
        } else {
            code = ErrorCode::BadResponse;
        }
    }
    const std::string label = !type.empty()         ? type
                              : !oidc_error.empty() ? oidc_error
                                                    : "HTTP " + std::to_string(status);
    std::string text = std::string(operation) + " failed: " + clean(label, 80);
    if (!message.empty()) text += ": " + clean(message, 200);
    Error e = Error::make(*code, std::move(text));
    e.http_status = status;
    e.upstream_type = clean(!type.empty() ? type : oidc_error, 80);
    return e;
}

}  // namespace ssocred::sso
