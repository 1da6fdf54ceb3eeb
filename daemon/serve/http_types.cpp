#include "serve/http_types.hpp"

namespace ssocred::serve {

namespace {
char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}
}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

std::optional<std::string_view> Request::header(std::string_view name) const noexcept {
    for (const auto& [k, v] : headers) {
        if (iequals(k, name)) return v;
    }
    return std::nullopt;
}

namespace {

std::string_view trim_ows(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::optional<RequestDefect> framing_defect(const Request& request) noexcept {
    std::size_t hosts = 0;
    std::size_t chunked = 0;    // how often chunked was applied
    bool chunked_last = false;  // the final coding so far is chunked
    bool other_coding = false;  // a coding we do not implement
    bool any_coding = false;
    for (const auto& [name, value] : request.headers) {
        if (iequals(name, "Host")) {
            ++hosts;
        } else if (iequals(name, "Transfer-Encoding")) {
            // A list across all field lines, in order (RFC 9110 §5.3); empty elements and
            // transfer parameters (";q=...") are allowed by the grammar.
            std::string_view rest = value;
            while (true) {
                const auto comma = rest.find(',');
                std::string_view item = rest.substr(0, comma);
                item = trim_ows(item.substr(0, item.find(';')));
                if (!item.empty()) {
                    any_coding = true;
                    chunked_last = iequals(item, "chunked");
                    if (chunked_last) {
                        ++chunked;
                    } else {
                        other_coding = true;
                    }
                }
                if (comma == std::string_view::npos) break;
                rest.remove_prefix(comma + 1);
            }
        }
    }
    if (request.version >= 11 ? hosts != 1 : hosts > 1) {
        return RequestDefect{WireError::Invalid, hosts == 0
                                                     ? "an HTTP/1.1 request needs a Host header"
                                                     : "more than one Host header"};
    }
    if (any_coding && (!chunked_last || chunked > 1)) {
        return RequestDefect{WireError::Invalid,
                             "Transfer-Encoding must end with chunked, applied once"};
    }
    if (other_coding) {
        return RequestDefect{WireError::NotImplemented,
                             "only the chunked transfer coding is implemented"};
    }
    return std::nullopt;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
    std::string_view rest = query;
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        const auto eq = pair.find('=');
        const std::string_view key = pair.substr(0, eq);
        const std::string_view value =
            eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        auto k = percent_decode(key, true);
        if (k && *k == name) return percent_decode(value, true);
    }
    return std::nullopt;
}

}  // namespace ssocred::serve
