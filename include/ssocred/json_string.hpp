// The body of a JSON string literal (RFC 8259 escaping of `"`, `\` and control characters),
// written piece by piece through `put`, so a caller can count bytes first and then write
// into a buffer sized exactly: secrets serialised this way leave no copy behind in a
// reallocated buffer.
#pragma once

#include <cstddef>
#include <string_view>

namespace ssocred {

template <class Put>
void write_json_string_content(std::string_view s, Put&& put) {
    static constexpr char hex[] = "0123456789abcdef";
    std::size_t plain_from = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto u = static_cast<unsigned char>(s[i]);
        if (s[i] != '"' && s[i] != '\\' && u >= 0x20) continue;
        put(s.substr(plain_from, i - plain_from));
        if (u < 0x20) {
            const char esc[] = {'\\', 'u', '0', '0', hex[u >> 4], hex[u & 0xf]};
            put(std::string_view(esc, sizeof esc));
        } else {
            const char esc[] = {'\\', s[i]};
            put(std::string_view(esc, sizeof esc));
        }
        plain_from = i + 1;
    }
    put(s.substr(plain_from));
}

}  // namespace ssocred
