// AES-256-GCM sealing of the secret part of a state file ("AES-GCM at rest", DESIGN.md).
//
// Format of a sealed blob: 12-byte random nonce || ciphertext || 16-byte tag. The caller
// passes associated data that names what the blob belongs to (the session id), so a sealed
// blob copied into another session's file fails to open instead of being accepted.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ssocred/expected.hpp"
#include "ssocred/secret.hpp"

namespace ssocred::state_cipher {

inline constexpr std::size_t kKeySize = 32;
inline constexpr std::size_t kNonceSize = 12;
inline constexpr std::size_t kTagSize = 16;

// A fresh random 256-bit key.
Secret generate_key();

// Errors: Invalid (wrong key size), Internal (OpenSSL failure).
Expected<std::string> seal(const Secret& key, std::string_view plaintext, std::string_view aad);

// Errors: Invalid when the blob is too short, was altered, or the key/aad do not match
// (GCM cannot tell these apart). The message never contains key or plaintext.
Expected<Secret> open(const Secret& key, std::string_view sealed, std::string_view aad);

}  // namespace ssocred::state_cipher
