#include "http_parse.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace ssocred::cli {
namespace {

using State = ParsedResponse::State;

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

std::optional<std::size_t> parse_size(std::string_view s, int base) {
    std::size_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc() || p == s.data()) return std::nullopt;
    return v;
}

// Decodes a chunked body; Incomplete until the terminating zero chunk (trailers ignored).
State decode_chunked(std::string_view data, std::string& out) {
    out.clear();
    std::size_t pos = 0;
    for (;;) {
        auto eol = data.find("\r\n", pos);
        if (eol == std::string_view::npos) return State::Incomplete;
        auto line = data.substr(pos, eol - pos);
        if (auto semi = line.find(';'); semi != std::string_view::npos) line = line.substr(0, semi);
        auto size = parse_size(trim(line), 16);
        if (!size) return State::Invalid;
        pos = eol + 2;
        if (*size == 0) {
            // Trailers end with an empty line.
            for (;;) {
                auto end = data.find("\r\n", pos);
                if (end == std::string_view::npos) return State::Incomplete;
                if (end == pos) return State::Complete;
                pos = end + 2;
            }
        }
        if (data.size() < pos + *size + 2) return State::Incomplete;
        out.append(data.substr(pos, *size));
        pos += *size;
        if (data.substr(pos, 2) != "\r\n") return State::Invalid;
        pos += 2;
    }
}

}  // namespace

ParsedResponse parse_http_response(std::string_view data, bool eof) {
    ParsedResponse r;
    auto head_end = data.find("\r\n\r\n");
    if (head_end == std::string_view::npos) {
        r.state = eof ? State::Invalid : State::Incomplete;
        return r;
    }
    std::string_view head = data.substr(0, head_end);
    std::string_view rest = data.substr(head_end + 4);

    auto line_end = head.find("\r\n");
    std::string_view status_line = head.substr(0, line_end);
    if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) {
        r.state = State::Invalid;
        return r;
    }
    auto code = parse_size(status_line.substr(9, 3), 10);
    if (!code || *code < 100 || *code > 599) {
        r.state = State::Invalid;
        return r;
    }
    r.status = static_cast<int>(*code);
    if (r.status >= 100 && r.status < 200) {
        // An interim response (we never send Expect, but be tolerant): parse what follows.
        return parse_http_response(rest, eof);
    }

    std::optional<std::size_t> content_length;
    bool chunked = false;
    std::size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
        auto end = head.find("\r\n", pos);
        if (end == std::string_view::npos) end = head.size();
        auto line = head.substr(pos, end - pos);
        pos = end + 2;
        auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        auto name = trim(line.substr(0, colon));
        auto value = trim(line.substr(colon + 1));
        if (iequals(name, "Content-Length")) {
            content_length = parse_size(value, 10);
            if (!content_length) {
                r.state = State::Invalid;
                return r;
            }
        } else if (iequals(name, "Transfer-Encoding")) {
            chunked = value.find("chunked") != std::string_view::npos;
        } else if (iequals(name, "Content-Type")) {
            r.content_type = std::string(value);
        }
    }

    if (chunked) {
        r.state = decode_chunked(rest, r.body);
        if (r.state == State::Incomplete && eof) r.state = State::Invalid;
        return r;
    }
    if (content_length) {
        if (rest.size() < *content_length) {
            r.state = eof ? State::Invalid : State::Incomplete;
            return r;
        }
        r.body = std::string(rest.substr(0, *content_length));
        r.state = State::Complete;
        return r;
    }
    if (r.status == 204 || r.status == 304) {
        r.state = State::Complete;
        return r;
    }
    // No framing: the body runs to the end of the connection.
    r.body = std::string(rest);
    r.state = eof ? State::Complete : State::Incomplete;
    return r;
}

}  // namespace ssocred::cli
