#include "http.hpp"

namespace emu {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string url_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+') {
            out.push_back(' ');
        } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
                   hex_value(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
            i += 2;
        } else {
            // A stray '%' is kept literally: the emulator must never fail on odd input.
            out.push_back(c);
        }
    }
    return out;
}

std::string url_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out;
}

Target parse_target(std::string_view target) {
    Target t;
    auto q = target.find('?');
    t.path = url_decode(target.substr(0, q));
    if (q == std::string_view::npos) return t;
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
        auto amp = rest.find('&');
        std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        if (pair.empty()) continue;
        auto eq = pair.find('=');
        std::string key = url_decode(pair.substr(0, eq));
        std::string value = eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1));
        t.query.emplace(std::move(key), std::move(value));
    }
    return t;
}

Response json_reply(http::status status, const Json& body) {
    Response res{status, 11};
    res.set(http::field::content_type, "application/json");
    res.body() = body.dump();
    return res;
}

Response empty_reply(http::status status) {
    Response res{status, 11};
    res.set(http::field::content_type, "application/json");
    return res;
}

}  // namespace emu
