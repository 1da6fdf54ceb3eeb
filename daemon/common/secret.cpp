#include "ssocred/secret.hpp"

#include <openssl/crypto.h>

namespace ssocred {

// secure_wipe: common/secure_wipe.cpp (no libcrypto, for the CLI).

bool Secret::equals(std::string_view candidate) const noexcept {
    if (candidate.size() != value_.size()) return false;
    return CRYPTO_memcmp(candidate.data(), value_.data(), value_.size()) == 0;
}

}  // namespace ssocred
