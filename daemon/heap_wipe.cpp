// Freed C++ heap memory is zeroed before it goes back to the allocator, in ssocredd only
// (this file is linked into the daemon's executable alone: daemon/CMakeLists.txt).
//
// Secrets pass through buffers we do not own: cpp-httplib's request and response strings
// (the bearer header, the body it accumulates), nlohmann::json's lexer buffer, std::string
// growth (every reallocation frees the previous copy). Wiping each of our own copies
// (Secret, the Wiped* helpers) cannot reach those, and a freed chunk keeps its bytes until
// it is reused - so after a logout a reader of the process memory (a core dump, swap, a
// debugger, /proc/PID/mem as root) would still find the role credentials and tokens it
// held (issue 16 item 10; tests/integration/test_secrets_in_memory.py).
//
// So every form of the global operator delete becomes "zero the whole usable block, then
// free". libstdc++'s operator new (every form, aligned too) allocates with malloc or
// aligned_alloc, both released by free, so replacing only the deletes is consistent with
// it. The block's usable size comes from the OS layer (platform/heap_block.hpp: glibc and
// macOS know it; where it is unknown, 0 and nothing is wiped); under the sanitizers (which
// bring their own allocator) nothing is replaced.
//
// Not covered: memory released with plain free() by C libraries - OpenSSL's record buffers
// among them (OpenSSL takes custom allocator functions only before its first allocation,
// which happens before main); see docs/security.md.
//
// Cost: one memset per delete (upstream calls, control requests, connection set-up); the
// cached-credential hot path does not allocate.
#include <cstdlib>
#include <new>

#include <openssl/crypto.h>

#include "platform/heap_block.hpp"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define SSOCRED_NO_HEAP_WIPE 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SSOCRED_NO_HEAP_WIPE 1
#endif

#if !defined(SSOCRED_NO_HEAP_WIPE)
namespace {

void wipe_and_free(void* p) noexcept {
    if (p == nullptr) return;
    OPENSSL_cleanse(p, ssocred::platform::heap_block_size(p));  // not optimised away
    std::free(p);
}

}  // namespace

void operator delete(void* p) noexcept {
    wipe_and_free(p);
}
void operator delete[](void* p) noexcept {
    wipe_and_free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    wipe_and_free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    wipe_and_free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
    wipe_and_free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
    wipe_and_free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
    wipe_and_free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
    wipe_and_free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
    wipe_and_free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
    wipe_and_free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
    wipe_and_free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
    wipe_and_free(p);
}
#endif
