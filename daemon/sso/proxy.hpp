// Outbound proxy selection from the environment, as the AWS CLI (requests/urllib) does it.
//
// https targets use https_proxy / HTTPS_PROXY, http targets http_proxy / HTTP_PROXY (the
// lower-case name wins when both are set, as in urllib). NO_PROXY / no_proxy is a list
// separated by commas or spaces of: `*` (bypass everything), host names (matching the name
// and its sub-domains; a leading `.` or `*.` is ignored), `host:port`, IP addresses and CIDR
// blocks. Loopback targets (localhost, 127/8, ::1) are never proxied: a proxy cannot reach
// our loopback anyway, and the emulator and tests live there.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ssocred::sso {

struct ProxySettings {
    std::string host;
    int port = 0;
    std::string username;  // from user info in the proxy URL, percent-decoded
    std::string password;  // never logged
    std::string display() const { return host + ":" + std::to_string(port); }  // no credentials
};

using ProxyEnv = std::function<std::optional<std::string>(const char*)>;

// True when `host` (and `port`) matches an entry of `no_proxy`.
bool no_proxy_matches(std::string_view no_proxy, std::string_view host, int port);
bool is_loopback_host(std::string_view host);

// nullopt: connect directly. `env` defaults to getenv.
std::optional<ProxySettings> proxy_for(std::string_view scheme, std::string_view host, int port,
                                       const ProxyEnv& env = {});

}  // namespace ssocred::sso
