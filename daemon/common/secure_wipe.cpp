// secure_wipe without a crypto library, so that the CLI (which links only ssocred_base)
// can wipe what it read without loading libcrypto at every start.
#include <cstring>

#include "ssocred/secret.hpp"

namespace ssocred {

void secure_wipe(void* data, std::size_t size) noexcept {
    // A store through a volatile function pointer: the compiler cannot see which function
    // runs, so it cannot drop the call as a dead store into memory about to be freed.
    // (OPENSSL_cleanse's portable form; explicit_bzero and memset_s are not on every libc.)
    static void* (*const volatile wipe)(void*, int, std::size_t) = std::memset;
    if (data != nullptr && size != 0) wipe(data, 0, size);
}

void secure_wipe(std::string& s) noexcept {
    // Wipe the whole capacity: a shrunk string may keep old secret bytes past size().
    if (s.capacity() != 0) {
        s.resize(s.capacity());
        secure_wipe(s.data(), s.size());
    }
    s.clear();
}

}  // namespace ssocred
