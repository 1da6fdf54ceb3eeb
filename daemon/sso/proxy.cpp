#include "sso/proxy.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "ssocred/cidr.hpp"

#include "sso/url.hpp"

namespace ssocred::sso {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view without_brackets(std::string_view s) {
    if (s.size() > 2 && s.front() == '[' && s.back() == ']') return s.substr(1, s.size() - 2);
    return s;
}

// An IP address, bracketed or not ("[::1]"); v4-mapped IPv6 as the IPv4 address it stands for.
std::optional<boost::asio::ip::address> parse_ip(std::string_view text) {
    boost::system::error_code ec;
    const auto a = boost::asio::ip::make_address(std::string(without_brackets(text)), ec);
    if (ec) return std::nullopt;
    return unmap(a);
}

// "10.0.0.0/8", "fd00::/8", "[fd00::]/8". Host bits below the prefix are ignored, as in the
// NO_PROXY matching of other tools; an entry that is no valid range matches nothing.
bool in_cidr(const boost::asio::ip::address& ip, std::string_view cidr) {
    const std::size_t slash = cidr.find('/');
    if (slash == std::string_view::npos) return false;
    const std::string range =
        std::string(without_brackets(cidr.substr(0, slash))) + std::string(cidr.substr(slash));
    const auto parsed = Cidr::parse(range, Cidr::HostBits::Ignored);
    return parsed && parsed->contains(ip);
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
    const auto ip = parse_ip(h);
    return ip && is_loopback(*ip);
}

bool no_proxy_matches(std::string_view no_proxy, std::string_view host_in, int port) {
    const std::string host(without_brackets(lower(host_in)));
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
                if (*e == *ip) return true;
                continue;
            }
            const std::size_t colon = entry.rfind(':');
            if (colon != std::string::npos) {
                entry_host = entry.substr(0, colon);
                std::from_chars(entry.data() + colon + 1, entry.data() + entry.size(), entry_port);
            }
            if (auto e = parse_ip(entry_host); e && *e == *ip && entry_port == port) {
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
