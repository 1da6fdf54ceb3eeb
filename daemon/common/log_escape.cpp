#include "ssocred/log_escape.hpp"

namespace ssocred {

void append_escaped_for_log(std::string_view in, std::string& out) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.reserve(out.size() + in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const auto u = static_cast<unsigned char>(in[i]);
        if (u == '\\') {
            out += "\\\\";
        } else if (u == '\n') {
            out += "\\n";
        } else if (u == '\r') {
            out += "\\r";
        } else if (u == '\t') {
            out += "\\t";
        } else if (u < 0x20 || u == 0x7f) {
            out += "\\x";
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 0xF]);
        } else if (u == 0xc2 && i + 1 < in.size() &&
                   static_cast<unsigned char>(in[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(in[i + 1]) <= 0x9f) {
            // U+0080..U+009F in UTF-8: C1 controls (0x9b is CSI on some terminals).
            const auto c = static_cast<unsigned char>(in[++i]);
            out += "\\u00";
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
        } else {
            out.push_back(static_cast<char>(u));
        }
    }
}

std::string escape_for_log(std::string_view in) {
    std::string out;
    append_escaped_for_log(in, out);
    return out;
}

}  // namespace ssocred
