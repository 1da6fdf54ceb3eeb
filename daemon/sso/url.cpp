#include "sso/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ssocred::sso {

std::string BaseUrl::host_for_url() const {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::string BaseUrl::origin() const {
    std::string out = scheme + "://" + host_for_url();
    if (!default_port()) out += ":" + std::to_string(port);
    return out;
}

std::string BaseUrl::scheme_host_port() const {
    return scheme + "://" + host_for_url() + ":" + std::to_string(port);
}

Expected<BaseUrl> parse_base_url(std::string_view url) {
    auto bad = [&](const std::string& why) {
        return Error::make(ErrorCode::Invalid,
                           "endpoint URL '" + std::string(url.substr(0, 200)) + "' " + why);
    };
    BaseUrl out;
    const std::size_t sep = url.find("://");
    if (sep == std::string_view::npos) return bad("has no scheme (expected http:// or https://)");
    out.scheme = std::string(url.substr(0, sep));
    std::transform(out.scheme.begin(), out.scheme.end(), out.scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (out.scheme != "http" && out.scheme != "https") return bad("must use http or https");
    std::string_view rest = url.substr(sep + 3);
    if (rest.find_first_of("?#") != std::string_view::npos)
        return bad("must not have a query or fragment");
    const std::size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    std::string_view path =
        slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    if (authority.find('@') != std::string_view::npos) return bad("must not contain user info");
    std::string_view port_text;
    if (authority.starts_with("[")) {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) return bad("has an unclosed '['");
        out.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return bad("has junk after the IPv6 address");
            port_text = after.substr(1);
        }
    } else {
        const std::size_t colon = authority.rfind(':');
        out.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    }
    if (out.host.empty()) return bad("has no host");
    for (char c : out.host) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
              c == '_')) {
            return bad("has an invalid host");
        }
    }
    std::transform(out.host.begin(), out.host.end(), out.host.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!port_text.empty()) {
        int port = 0;
        auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc() || p != port_text.data() + port_text.size() || port < 1 ||
            port > 65535) {
            return bad("has an invalid port");
        }
        out.port = port;
    } else {
        out.port = out.is_https() ? 443 : 80;
    }
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    out.path_prefix = std::string(path);
    return out;
}

std::string encode_query(const std::vector<std::pair<std::string, std::string>>& params) {
    std::string out;
    for (const auto& [k, v] : params) {
        if (!out.empty()) out.push_back('&');
        out += percent_encode(k);
        out.push_back('=');
        out += percent_encode(v);
    }
    return out;
}

}  // namespace ssocred::sso
