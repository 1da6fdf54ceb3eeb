// AWS Signature Version 4 for the emulator's own outbound calls (STS AssumeRole on a local
// stand-in such as moto). Only what a POST of a form body needs: no query-string signing,
// no chunked payloads. The algorithm is the public one (SigV4 "Create a signed request").
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu {

struct AwsKey {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;  // empty for long-term (AKIA) keys
};

struct SigV4Request {
    std::string method;  // "POST"
    std::string host;    // the Host header exactly as sent ("127.0.0.1:5000")
    std::string path;    // already URI-encoded; "/" for STS
    std::string content_type;
    std::string body;
};

// The hex signature of `canonical_request` (SigV4 step 1's text) made at `amz_date`
// ("20150830T123600Z") for the scope "DATE/region/service/aws4_request" with `secret`.
std::string sigv4_signature(std::string_view canonical_request, std::string_view amz_date,
                            std::string_view scope, std::string_view secret);

// The headers to add to `req` so that it is signed for `region`/`service` at `when`:
// X-Amz-Date, X-Amz-Security-Token (with a session token) and Authorization.
std::vector<std::pair<std::string, std::string>> sigv4_headers(
    const SigV4Request& req, const AwsKey& key, std::string_view region, std::string_view service,
    std::chrono::system_clock::time_point when);

}  // namespace emu
