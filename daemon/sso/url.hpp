// Base URLs of the upstream services and the percent-encoding botocore uses for queries.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ssocred/expected.hpp"

namespace ssocred::sso {

// "https://host[:port][/prefix]" — an endpoint as configured. The path prefix is kept for
// API calls (PROTOCOLS.md §1.1: AWS_ENDPOINT_URL_SSO_OIDC=http://h/oidc posts to /oidc/token).
struct BaseUrl {
    std::string scheme;       // "http" or "https"
    std::string host;         // without brackets for IPv6 literals
    int port = 0;             // always set (defaults 80/443 filled in)
    std::string path_prefix;  // "" or "/oidc" (never ends with '/')

    bool is_https() const { return scheme == "https"; }
    bool default_port() const { return port == (is_https() ? 443 : 80); }
    std::string host_for_url() const;  // brackets around IPv6 literals
    // scheme://host[:port] — what the PKCE authorize URL is built on (the CLI drops the path).
    std::string origin() const;
    // scheme://host:port — the form cpp-httplib's Client wants.
    std::string scheme_host_port() const;
    std::string to_string() const { return origin() + path_prefix; }
};

// Accepts http and https URLs without user info, query or fragment.
Expected<BaseUrl> parse_base_url(std::string_view url);

// RFC 3986 percent-encoding leaving only unreserved characters [A-Za-z0-9-._~] as is
// (botocore.utils.percent_encode).
std::string percent_encode(std::string_view s);
// The same, appended to `out`: a caller that reserved room for a secret keeps it in one
// buffer (no reallocation leaves a copy behind).
void append_percent_encoded(std::string& out, std::string_view s);
// "a=1&b=2" with both sides percent-encoded, in the given order.
std::string encode_query(const std::vector<std::pair<std::string, std::string>>& params);
// Decodes %XX and '+' (as space) in a query component; invalid escapes are kept literally.
std::string percent_decode(std::string_view s);

}  // namespace ssocred::sso
