// ssocred/wire_error.hpp: the one error vocabulary the daemon emits and the CLI reads.
#include "ssocred/wire_error.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace ssocred {
namespace {

constexpr ErrorCode kAllErrorCodes[] = {
    ErrorCode::Invalid,       ErrorCode::NotFound,      ErrorCode::Io,
    ErrorCode::Network,       ErrorCode::Timeout,       ErrorCode::Throttled,
    ErrorCode::UpstreamFault, ErrorCode::BadResponse,   ErrorCode::Unauthorized,
    ErrorCode::InvalidGrant,  ErrorCode::InvalidClient, ErrorCode::AuthorizationPending,
    ErrorCode::SlowDown,      ErrorCode::ExpiredToken,  ErrorCode::AccessDenied,
    ErrorCode::LoginRequired, ErrorCode::Forbidden,     ErrorCode::Cancelled,
    ErrorCode::Internal,
};

TEST(WireError, EveryCodeRoundTripsAndIsUnique) {
    std::set<std::string> seen;
    for (const auto& entry : kWireErrors) {
        EXPECT_EQ(to_wire(entry.error), entry.code);
        EXPECT_EQ(from_wire(to_wire(entry.error)), entry.error) << entry.code;
        EXPECT_EQ(http_status_of(entry.error), entry.http_status);
        EXPECT_TRUE(entry.http_status >= 400 && entry.http_status < 600) << entry.code;
        EXPECT_TRUE(seen.insert(std::string(entry.code)).second) << entry.code;
    }
    EXPECT_FALSE(from_wire(""));
    EXPECT_FALSE(from_wire("Not_Found"));  // codes are exact
    EXPECT_FALSE(from_wire("daemon_not_running"));
}

TEST(WireError, TheControlApiCodesAreTheDocumentedOnes) {
    // docs/control-api.md: the codes a control-API client may see.
    EXPECT_EQ(to_wire(WireError::Invalid), "invalid");
    EXPECT_EQ(to_wire(WireError::NotFound), "not_found");
    EXPECT_EQ(to_wire(WireError::LoginRequired), "login_required");
    EXPECT_EQ(to_wire(WireError::Forbidden), "forbidden");
    EXPECT_EQ(to_wire(WireError::UpstreamUnavailable), "upstream_unavailable");
    EXPECT_EQ(to_wire(WireError::Conflict), "conflict");
    EXPECT_EQ(to_wire(WireError::Internal), "internal");
    EXPECT_EQ(http_status_of(WireError::LoginRequired), 503u);
    EXPECT_EQ(http_status_of(WireError::Conflict), 409u);
}

TEST(WireError, TheServingPlaneCodesAreTheDocumentedOnes) {
    // docs/endpoints.md: the HTTP layer's answers, each with its own status.
    EXPECT_EQ(to_wire(WireError::Unauthorized), "unauthorized");
    EXPECT_EQ(http_status_of(WireError::Unauthorized), 401u);
    EXPECT_EQ(to_wire(WireError::MethodNotAllowed), "method_not_allowed");
    EXPECT_EQ(http_status_of(WireError::MethodNotAllowed), 405u);
    EXPECT_EQ(to_wire(WireError::PayloadTooLarge), "payload_too_large");
    EXPECT_EQ(http_status_of(WireError::PayloadTooLarge), 413u);
    EXPECT_EQ(to_wire(WireError::RequestHeaderFieldsTooLarge), "request_header_fields_too_large");
    EXPECT_EQ(http_status_of(WireError::RequestHeaderFieldsTooLarge), 431u);
    EXPECT_EQ(to_wire(WireError::NotImplemented), "not_implemented");
    EXPECT_EQ(http_status_of(WireError::NotImplemented), 501u);
    EXPECT_EQ(to_wire(WireError::Unavailable), "unavailable");  // over a connection budget
    EXPECT_EQ(http_status_of(WireError::Unavailable), 503u);
}

TEST(WireError, EveryErrorCodeHasAnAnswerTheClientReadsBackInTheSameClass) {
    for (const ErrorCode code : kAllErrorCodes) {
        const WireError wire = wire_error_for(code);
        const ErrorCode back =
            error_code_from_wire(to_wire(wire), static_cast<int>(http_status_of(wire)));
        switch (wire) {
            case WireError::LoginRequired:
                EXPECT_EQ(back, ErrorCode::LoginRequired) << to_string(code);
                break;
            case WireError::UpstreamUnavailable:
                EXPECT_EQ(back, ErrorCode::Network) << to_string(code);
                EXPECT_TRUE(is_transient(Error::make(back, ""))) << to_string(code);
                break;
            case WireError::Internal:
                EXPECT_EQ(back, ErrorCode::Internal) << to_string(code);
                break;
            case WireError::Forbidden:  // Forbidden, AccessDenied
                EXPECT_EQ(back, ErrorCode::Forbidden) << to_string(code);
                break;
            default:
                EXPECT_EQ(back, code) << to_string(code);  // NotFound, Invalid
        }
    }
    EXPECT_EQ(wire_error_for(ErrorCode::AccessDenied), WireError::Forbidden);
    EXPECT_EQ(wire_error_for(ErrorCode::InvalidGrant), WireError::LoginRequired);
    EXPECT_EQ(wire_error_for(ErrorCode::Cancelled), WireError::UpstreamUnavailable);
    EXPECT_EQ(wire_error_for(ErrorCode::Io), WireError::Internal);
}

TEST(WireError, AnUnknownCodeFallsBackToTheStatus) {
    EXPECT_EQ(error_code_from_wire("conflict", 409), ErrorCode::Invalid);
    EXPECT_EQ(error_code_from_wire("something_new", 404), ErrorCode::NotFound);
    EXPECT_EQ(error_code_from_wire("", 403), ErrorCode::Forbidden);
    EXPECT_EQ(error_code_from_wire("method_not_allowed", 405), ErrorCode::Invalid);
    EXPECT_EQ(error_code_from_wire("", 502), ErrorCode::Internal);
}

}  // namespace
}  // namespace ssocred
