#include "ssocred/secret.hpp"

#include <openssl/crypto.h>

namespace ssocred {

void secure_wipe(void* data, std::size_t size) noexcept {
    if (data != nullptr && size != 0) OPENSSL_cleanse(data, size);
}

void secure_wipe(std::string& s) noexcept {
    // Wipe the whole capacity: a shrunk string may keep old secret bytes past size().
    if (s.capacity() != 0) {
        s.resize(s.capacity());
        secure_wipe(s.data(), s.size());
    }
    s.clear();
}

bool Secret::equals(std::string_view candidate) const noexcept {
    if (candidate.size() != value_.size()) return false;
    return CRYPTO_memcmp(candidate.data(), value_.data(), value_.size()) == 0;
}

}  // namespace ssocred
