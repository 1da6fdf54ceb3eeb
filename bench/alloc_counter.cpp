// libssocred_alloc_counter.so: counts heap allocations of a running process (LD_PRELOAD).
//
// bench/bench.py preloads it into ssocredd, sends SIGUSR2 before and after a fixed number of
// requests, and divides the difference by the request count: allocations per request on
// the hot path, measured on the real daemon rather than inferred from reading the code.
// On SIGUSR2 the current count is written (as decimal text, replacing the file) to
// $SSOCRED_ALLOC_COUNTER_FILE. Counting is one relaxed atomic increment per call; the real
// work is glibc's (__libc_malloc and friends), so nothing here can recurse into malloc.
#include <atomic>
#include <csignal>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);
}

namespace {

std::atomic<unsigned long long> g_allocations{0};
char g_path[4096];

void dump(int) {
    if (g_path[0] == '\0') return;
    char text[32];
    unsigned long long v = g_allocations.load(std::memory_order_relaxed);
    int len = 0;
    char rev[32];
    do {
        rev[len++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (int i = 0; i < len; ++i) text[i] = rev[len - 1 - i];
    const int fd = ::open(g_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return;
    (void)!::write(fd, text, static_cast<std::size_t>(len));
    ::close(fd);
}

__attribute__((constructor)) void install() {
    const char* p = std::getenv("SSOCRED_ALLOC_COUNTER_FILE");
    if (p == nullptr || std::strlen(p) >= sizeof g_path) return;
    std::memcpy(g_path, p, std::strlen(p) + 1);
    struct sigaction sa {};
    sa.sa_handler = dump;
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGUSR2, &sa, nullptr);
}

void count() {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

extern "C" {

void* malloc(std::size_t n) {
    count();
    return __libc_malloc(n);
}
void* calloc(std::size_t a, std::size_t b) {
    count();
    return __libc_calloc(a, b);
}
void* realloc(void* p, std::size_t n) {
    count();
    return __libc_realloc(p, n);
}
void* memalign(std::size_t align, std::size_t n) {
    count();
    return __libc_memalign(align, n);
}
void* aligned_alloc(std::size_t align, std::size_t n) {
    count();
    return __libc_memalign(align, n);
}
int posix_memalign(void** out, std::size_t align, std::size_t n) {
    count();
    void* p = __libc_memalign(align, n);
    if (p == nullptr) return ENOMEM;
    *out = p;
    return 0;
}
void free(void* p) {
    __libc_free(p);
}

}  // extern "C"
