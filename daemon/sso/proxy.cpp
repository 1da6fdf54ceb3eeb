#include "sso/proxy.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "sso/url.hpp"

namespace ssocred::sso {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// An IP address as 16 bytes (IPv4 mapped into the first 4 with family noted).
struct Ip {
    int family = 0;  // AF_INET or AF_INET6
    std::array<unsigned char, 16> bytes{};
};

std::optional<Ip> parse_ip(std::string_view text) {
    std::string s(text);
    if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
    Ip ip;
    if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) {
        ip.family = AF_INET;
        return ip;
    }
    if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
        ip.family = AF_INET6;
        return ip;
    }
    return std::nullopt;
}

bool in_cidr(const Ip& ip, std::string_view cidr) {
    const std::size_t slash = cidr.find('/');
    if (slash == std::string_view::npos) return false;
    auto net = parse_ip(cidr.substr(0, slash));
    if (!net || net->family != ip.family) return false;
    int bits = 0;
    const std::string_view b = cidr.substr(slash + 1);
    auto [p, ec] = std::from_chars(b.data(), b.data() + b.size(), bits);
    const int max_bits = ip.family == AF_INET ? 32 : 128;
    if (ec != std::errc() || p != b.data() + b.size() || bits < 0 || bits > max_bits) return false;
    for (int i = 0; i < bits; ++i) {
        const int byte = i / 8;
        const int mask = 0x80 >> (i % 8);
        if ((ip.bytes[byte] & mask) != (net->bytes[byte] & mask)) return false;
    }
    return true;
}

std::vector<std::string> split_entries(std::string_view list) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : list) {
        if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
            if (!cur.empty()) out.push_back(lower(cur));
            cur.clear();
        } else {
            cur.push_back(c);
        }
    }
    if (!cur.empty()) out.push_back(lower(cur));
    return out;
}

std::optional<std::string> default_env(const char* name) {
    const char* v = std::getenv(name);  // NOLINT(concurrency-mt-unsafe)
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
}

}  // namespace

bool is_loopback_host(std::string_view host) {
    const std::string h = lower(host);
    if (h == "localhost" || h.ends_with(".localhost")) return true;
    auto ip = parse_ip(h);
    if (!ip) return false;
    if (ip->family == AF_INET) return ip->bytes[0] == 127;
    static constexpr std::array<unsigned char, 16> kV6Loopback{0, 0, 0, 0, 0, 0, 0, 0,
                                                               0, 0, 0, 0, 0, 0, 0, 1};
    return ip->bytes == kV6Loopback;
}

bool no_proxy_matches(std::string_view no_proxy, std::string_view host_in, int port) {
    std::string host = lower(host_in);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const auto ip = parse_ip(host);
    for (std::string entry : split_entries(no_proxy)) {
        if (entry == "*") return true;
        if (ip) {
            if (entry.find('/') != std::string::npos) {
                if (in_cidr(*ip, entry)) return true;
                continue;
            }
            // "10.0.0.1" or "10.0.0.1:8080" or "[::1]:443"
            std::string entry_host = entry;
            int entry_port = 0;
            if (auto e = parse_ip(entry)) {
                if (e->family == ip->family && e->bytes == ip->bytes) return true;
                continue;
            }
            const std::size_t colon = entry.rfind(':');
            if (colon != std::string::npos) {
                entry_host = entry.substr(0, colon);
                std::from_chars(entry.data() + colon + 1, entry.data() + entry.size(), entry_port);
            }
            if (auto e = parse_ip(entry_host);
                e && e->family == ip->family && e->bytes == ip->bytes && entry_port == port) {
                return true;
            }
            continue;
        }
        int entry_port = 0;
        if (const std::size_t colon = entry.rfind(':'); colon != std::string::npos) {
            std::from_chars(entry.data() + colon + 1, entry.data() + entry.size(), entry_port);
            entry = entry.substr(0, colon);
            if (entry_port != port) continue;
        }
        if (entry.starts_with("*.")) entry = entry.substr(2);
        while (entry.starts_with(".")) entry = entry.substr(1);
        if (entry.empty()) continue;
        if (host == entry || host.ends_with("." + entry)) return true;
    }
    return false;
}

std::optional<ProxySettings> proxy_for(std::string_view scheme, std::string_view host, int port,
                                       const ProxyEnv& env_in) {
    const ProxyEnv& env = env_in ? env_in : ProxyEnv(default_env);
    if (is_loopback_host(host)) return std::nullopt;
    std::optional<std::string> no_proxy = env("no_proxy");
    if (!no_proxy) no_proxy = env("NO_PROXY");
    if (no_proxy && no_proxy_matches(*no_proxy, host, port)) return std::nullopt;

    std::optional<std::string> url;
    if (scheme == "https") {
        url = env("https_proxy");
        if (!url) url = env("HTTPS_PROXY");
    } else {
        url = env("http_proxy");
        if (!url) url = env("HTTP_PROXY");
    }
    if (!url) return std::nullopt;
    std::string text = *url;
    if (text.find("://") == std::string::npos) text = "http://" + text;  // "proxy:3128" is common
    ProxySettings out;
    // Pull user info out before parse_base_url, which refuses it in endpoints.
    const std::size_t start = text.find("://") + 3;
    const std::size_t end = text.find('/', start);
    const std::string authority =
        text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (const std::size_t at = authority.rfind('@'); at != std::string::npos) {
        const std::string info = authority.substr(0, at);
        const std::size_t colon = info.find(':');
        out.username = percent_decode_lenient(info.substr(0, colon));
        if (colon != std::string::npos)
            out.password = percent_decode_lenient(info.substr(colon + 1));
        text = text.substr(0, start) + authority.substr(at + 1);
    }
    auto parsed = parse_base_url(text);
    if (!parsed) return std::nullopt;  // an unusable proxy setting: connect directly
    out.host = parsed->host;
    // A proxy URL without a port means the scheme default; for "http://proxy" that is 80.
    out.port = parsed->port;
    return out;
}

}  // namespace ssocred::sso
