// Small crypto helpers over OpenSSL: randomness, digests, encodings, constant-time compare.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ssocred::crypto {

// CSPRNG bytes (RAND_bytes); aborts the process if the RNG fails, since nothing safe can follow.
std::string random_bytes(std::size_t n);
// n random bytes, hex-encoded (2n characters).
std::string random_hex(std::size_t n);
// n random bytes, base64url-encoded without padding.
std::string random_base64url(std::size_t n);
// A random UUID version 4 in its canonical string form.
std::string random_uuid4();

std::string sha1_hex(std::string_view data);
std::string sha256_raw(std::string_view data);
std::string hex_encode(std::string_view bytes);
// The value of one hex digit, either case; -1 for any other character.
constexpr int hex_digit_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
// Hex digits (either case, an even number of them) back to bytes; nullopt for anything else.
std::optional<std::string> hex_decode(std::string_view hex);
std::string base64url_encode(std::string_view bytes);  // no padding
std::string base64_encode(std::string_view bytes);     // with padding

bool constant_time_equals(std::string_view a, std::string_view b) noexcept;

}  // namespace ssocred::crypto
