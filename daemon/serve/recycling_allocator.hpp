// RecyclingAllocator: the allocator of the request parser's header fields, so parsing a
// request allocates nothing once the connection plane is warm.
//
// Beast's basic_fields allocates one block per header field and one for the request line,
// and frees them all when the parser is reset: the same few small sizes, again and again,
// on one thread. The same goes for a connection's own blocks (the session object, its read
// buffer, its response head, the request's header list: session.cpp). Freed blocks go to a
// per-thread free list for their size class (64, 128, 256, 512, 1024 bytes) and the next
// request takes them back; larger blocks and blocks beyond each list's cap go to operator
// new/delete as usual. Memory retained is therefore bounded (kMaxFree blocks per class per
// thread, at most ~93 KiB), and an idle daemon keeps only what its busiest moment left in
// the lists.
//
// A block is zeroed when it goes back to a free list, as heap_wipe.cpp zeroes every block
// the daemon frees: request bytes (an Authorization header, an IMDS token) do not outlive
// their request in a list either. A plain memset, kept by the compiler barrier after it:
// the blocks are small and this is the hot path.
//
// Stateless (any two instances compare equal), so Beast's containers move freely between
// instances. A block freed on another thread than the one that allocated it is fine: it is
// an operator-new block and joins that thread's list.
#pragma once

#include <array>
#include <cstddef>
#include <cstring>
#include <new>

namespace ssocred::serve {

namespace recycling {

inline constexpr std::size_t kClasses = 5;  // 64 << 0 .. 64 << 4
inline constexpr std::size_t kMinBlock = 64;
inline constexpr std::size_t kMaxBlock = kMinBlock << (kClasses - 1);
inline constexpr std::size_t kMaxFree = 48;

// The size class of `n` bytes, or kClasses when it is too large to recycle.
constexpr std::size_t size_class(std::size_t n) noexcept {
    std::size_t c = 0;
    for (std::size_t block = kMinBlock; block < n; block <<= 1) {
        if (++c == kClasses) return kClasses;
    }
    return c;
}

struct FreeBlock {
    FreeBlock* next;
};

struct FreeLists {
    std::array<FreeBlock*, kClasses> head{};
    std::array<std::size_t, kClasses> count{};
    ~FreeLists() {
        for (FreeBlock* b : head) {
            while (b != nullptr) {
                FreeBlock* next = b->next;
                ::operator delete(b);
                b = next;
            }
        }
    }
};

inline FreeLists& lists() noexcept {
    thread_local FreeLists l;
    return l;
}

inline void* allocate(std::size_t n) {
    const std::size_t c = size_class(n);
    if (c == kClasses) return ::operator new(n);
    FreeLists& l = lists();
    if (FreeBlock* b = l.head[c]) {
        l.head[c] = b->next;
        --l.count[c];
        return b;
    }
    return ::operator new(kMinBlock << c);
}

// Zeroes `n` bytes in a way the optimiser may not drop (the block is about to be unused).
inline void wipe(void* p, std::size_t n) noexcept {
    std::memset(p, 0, n);
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

inline void deallocate(void* p, std::size_t n) noexcept {
    const std::size_t c = size_class(n);
    FreeLists& l = lists();
    if (c == kClasses || l.count[c] >= kMaxFree) {
        ::operator delete(p);  // the daemon's operator delete zeroes it (heap_wipe.cpp)
        return;
    }
    wipe(p, n);
    auto* b = static_cast<FreeBlock*>(p);
    b->next = l.head[c];
    l.head[c] = b;
    ++l.count[c];
}

}  // namespace recycling

template <class T>
struct RecyclingAllocator {
    using value_type = T;
    static_assert(alignof(T) <= alignof(std::max_align_t), "over-aligned types are not recycled");

    RecyclingAllocator() noexcept = default;
    template <class U>
    RecyclingAllocator(const RecyclingAllocator<U>&) noexcept {}

    T* allocate(std::size_t n) { return static_cast<T*>(recycling::allocate(n * sizeof(T))); }
    void deallocate(T* p, std::size_t n) noexcept { recycling::deallocate(p, n * sizeof(T)); }

    template <class U>
    bool operator==(const RecyclingAllocator<U>&) const noexcept {
        return true;
    }
};

}  // namespace ssocred::serve
