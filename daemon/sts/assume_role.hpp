// STS AssumeRole over the Query API (POST form, SigV4 with service "sts"): the hop of a role
// chain. Blocking; runs on the daemon's upstream worker threads.
//
// The answer is XML (AssumeRoleResponse/AssumeRoleResult/Credentials); errors are
// ErrorResponse/Error/{Code,Message} and map onto ssocred's error codes: throttling ->
// Throttled, 5xx -> UpstreamFault (both transient: retried with backoff, last-good served),
// AccessDenied -> AccessDenied with STS's message (it names the caller and the role, no
// secret), bad source keys -> Unauthorized, anything unparsable -> BadResponse.
#pragma once

#include <optional>
#include <string>

#include "ssocred/credentials.hpp"
#include "ssocred/expected.hpp"

#include "sso/http_client.hpp"
#include "sso/url.hpp"

namespace ssocred::sts {

struct AssumeRoleParams {
    std::string role_arn;
    std::string role_session_name;
    std::string external_id;              // empty: not sent
    std::optional<int> duration_seconds;  // nullopt: STS's default (1 hour)
};

struct StsEndpoint {
    sso::BaseUrl url;
    std::string region;  // the SigV4 signing region
};

struct StsErrorInfo {
    std::string code;
    std::string message;
};

// The credentials of an AssumeRole answer body (HTTP 200). `role` is left empty.
Expected<RoleCredentials> parse_assume_role_response(std::string_view body);
// The Code and Message of an ErrorResponse body (ErrorResponse/Error, or
// ErrorResponse/Errors/Error); nullopt when the body is not one.
std::optional<StsErrorInfo> parse_sts_error(std::string_view body);
// The ssocred error for a non-200 answer of AssumeRole of `role_arn`.
Error sts_error(int http_status, const std::optional<StsErrorInfo>& info,
                const std::string& role_arn);

// AssumeRole of params.role_arn with `source` (its session token included), signed for
// `endpoint.region` at `now`. The result's `role` is left for the caller to set.
Expected<RoleCredentials> assume_role(sso::HttpTransport& transport, const StsEndpoint& endpoint,
                                      const RoleCredentials& source, const AssumeRoleParams& params,
                                      SystemTime now);

}  // namespace ssocred::sts
