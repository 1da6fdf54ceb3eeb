// AWS Signature Version 4 (header form) for the daemon's own AWS API calls: STS AssumeRole
// with the credentials of a role chain's source. The algorithm is AWS's published one
// ("Create a signed AWS API request"); unit tests check it against AWS's test-suite vectors.
//
// Only what a Query-API call needs: headers signed as given (plus host and x-amz-date and,
// with a session token, x-amz-security-token), the payload hashed in full, no chunked or
// unsigned payloads, no presigned URLs.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ssocred/secret.hpp"
#include "ssocred/time.hpp"

namespace ssocred::sts {

struct SigningCredentials {
    std::string access_key_id;
    Secret secret_access_key;
    Secret session_token;  // empty for long-term keys
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct SigningRequest {
    std::string method;  // "POST"
    std::string host;    // the Host header exactly as sent ("sts.eu-west-1.amazonaws.com")
    std::string path;    // the request path as sent, already percent-encoded ("/")
    // Query parameters, not encoded (the signer encodes them as SigV4 requires).
    std::vector<std::pair<std::string, std::string>> query;
    HeaderList headers;  // further headers to sign (e.g. Content-Type), any case
    std::string body;    // may hold secrets: only its hash is used
};

struct SigningScope {
    std::string region;
    std::string service;  // "sts"
    SystemTime when;
};

// The canonical request of SigV4 step 1, with `amz_date` ("20150830T123600Z") and the
// session token (if any) among the signed headers. Exposed for tests.
std::string canonical_request(const SigningRequest& request, const std::string& amz_date,
                              const Secret& session_token);

// The headers that sign `request`: X-Amz-Date, X-Amz-Security-Token (with a session token)
// and Authorization. Host is not among them: the caller sends request.host as Host.
HeaderList sign_v4(const SigningRequest& request, const SigningCredentials& credentials,
                   const SigningScope& scope);

// "20150830T123600Z": the x-amz-date form of `t` (UTC).
std::string amz_date(SystemTime t);

}  // namespace ssocred::sts
