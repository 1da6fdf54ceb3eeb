// RecyclingAllocator: the allocator of the request parser's header fields, so parsing a
// request allocates nothing once the connection plane is warm.
//
// Beast's basic_fields allocates one block per header field and one for the request line,
// and frees them all when the parser is reset: the same few small sizes, again and again,
// on one thread. Freed blocks go to a per-thread free list for their size class (64, 128,
// 256, 512, 1024 bytes) and the next request takes them back; larger blocks and blocks
// beyond each list's cap go to operator new/delete as usual. Memory retained is therefore
// bounded (kMaxFree blocks per class per thread, at most ~250 KiB), and an idle daemon
// keeps only what its busiest moment left in the lists.
//
// Stateless (any two instances compare equal), so Beast's containers move freely between
// instances. A block freed on another thread than the one that allocated it is fine: it is
// an operator-new block and joins that thread's list.
#pragma once

#include <array>
#include <cstddef>
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

inline void deallocate(void* p, std::size_t n) noexcept {
    const std::size_t c = size_class(n);
    FreeLists& l = lists();
    if (c == kClasses || l.count[c] >= kMaxFree) {
        ::operator delete(p);
        return;
    }
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
