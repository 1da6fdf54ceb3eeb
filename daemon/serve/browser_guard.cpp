#include "serve/browser_guard.hpp"

#include <arpa/inet.h>
#include <cstring>

namespace ssocred::serve {

namespace {

bool valid_port(std::string_view p) noexcept {
    if (p.empty() || p.size() > 5) return false;
    unsigned v = 0;
    for (char c : p) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    return v <= 65535;
}

bool parse_literal(int family, std::string_view text) noexcept {
    char buf[64];
    if (text.empty() || text.size() >= sizeof buf) return false;
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    unsigned char out[16];
    return ::inet_pton(family, buf, out) == 1;
}

}  // namespace

bool host_allowed(std::string_view host) noexcept {
    std::string_view name = host;
    if (!host.empty() && host.front() == '[') {
        const auto close = host.find(']');
        if (close == std::string_view::npos) return false;
        const std::string_view rest = host.substr(close + 1);
        if (!rest.empty() && (rest.front() != ':' || !valid_port(rest.substr(1)))) return false;
        return parse_literal(AF_INET6, host.substr(1, close - 1));
    }
    if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
        if (!valid_port(host.substr(colon + 1))) return false;
        name = host.substr(0, colon);
    }
    return iequals(name, "localhost") || parse_literal(AF_INET, name);
}

const char* browser_guard(const Request& request) noexcept {
    if (auto host = request.header("Host"); host && !host_allowed(*host)) {
        return "the Host header must be an IP address or localhost";
    }
    if (request.has_header("Origin")) return "requests from web pages are refused";
    if (request.has_header("Referer")) return "requests from web pages are refused";
    if (auto site = request.header("Sec-Fetch-Site");
        site && !iequals(*site, "none") && !iequals(*site, "same-origin")) {
        return "requests from web pages are refused";
    }
    return nullptr;
}

}  // namespace ssocred::serve
