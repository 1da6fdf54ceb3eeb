#include "ssocred/percent_encoding.hpp"

#include "ssocred/crypto.hpp"

namespace ssocred {
namespace {

bool unreserved(unsigned char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

enum class Malformed { Refuse, KeepLiterally };

// The one decoding loop; nullopt only when `malformed` is Refuse.
std::optional<std::string> decode(std::string_view in, bool plus_is_space, Malformed malformed) {
    constexpr auto hex = crypto::hex_digit_value;
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '%') {
            const bool complete = i + 2 < in.size() && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0;
            const char decoded =
                complete ? static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2])) : '\0';
            if (malformed == Malformed::Refuse) {
                // An encoded NUL would cut the name short wherever it meets a C API.
                if (!complete || decoded == '\0') return std::nullopt;
            } else if (!complete) {
                out.push_back(c);
                continue;
            }
            out.push_back(decoded);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace

void append_percent_encoded(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (const unsigned char c : s) {
        if (unreserved(c)) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0x0F]);
        }
    }
}

std::string percent_encode(std::string_view s) {
    std::string out;
    out.reserve(s.size() * 3);
    append_percent_encoded(out, s);
    return out;
}

std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space) {
    return decode(in, plus_is_space, Malformed::Refuse);
}

std::string percent_decode_lenient(std::string_view in) {
    return *decode(in, true, Malformed::KeepLiterally);
}

}  // namespace ssocred
