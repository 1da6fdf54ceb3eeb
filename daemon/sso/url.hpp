// Base URLs of the upstream services and the query encoding botocore uses.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ssocred/expected.hpp"
#include "ssocred/percent_encoding.hpp"

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

// "a=1&b=2" with both sides percent-encoded (ssocred/percent_encoding.hpp), in the given
// order.
std::string encode_query(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace ssocred::sso
