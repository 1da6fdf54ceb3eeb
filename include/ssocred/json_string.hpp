// The body of a JSON string literal (RFC 8259 escaping of `"`, `\` and control characters),
// written piece by piece through `put`, so a caller can count bytes first and then write
// into a buffer sized exactly: secrets serialised this way leave no copy behind in a
// reallocated buffer.
//
// The one JSON string escaper of the daemon: the control API's credential bodies and the
// `--log-format json` lines (logging.cpp) both write through it.
#pragma once

#include <cstddef>
#include <string_view>

namespace ssocred {

enum class JsonControls {
    // What RFC 8259 requires: C0 controls as \u00XX.
    Required,
    // Also DEL and the UTF-8 encoded C1 controls (U+0080..U+009F, which some terminals obey)
    // as \u007f and \u0080..\u009f, as ssocred/log_escape.hpp treats them: for log lines a
    // person reads on a terminal. The JSON value is the same either way.
    AlsoTerminalControls,
};

template <class Put>
void write_json_string_content(std::string_view s, Put&& put,
                               JsonControls controls = JsonControls::Required) {
    static constexpr char hex[] = "0123456789abcdef";
    const bool terminal = controls == JsonControls::AlsoTerminalControls;
    std::size_t plain_from = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto u = static_cast<unsigned char>(s[i]);
        const bool c1 = terminal && u == 0xc2 && i + 1 < s.size() &&
                        static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                        static_cast<unsigned char>(s[i + 1]) <= 0x9f;
        const bool control = u < 0x20 || (terminal && u == 0x7f) || c1;
        if (s[i] != '"' && s[i] != '\\' && !control) continue;
        put(s.substr(plain_from, i - plain_from));
        if (control) {
            if (c1) u = static_cast<unsigned char>(s[++i]);  // U+0080..U+009F: its 2nd byte
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
