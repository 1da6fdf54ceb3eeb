#include <malloc.h>

#include "platform/heap_block.hpp"

namespace ssocred::platform {

std::size_t heap_block_size(void* p) noexcept {
    return ::malloc_usable_size(p);  // glibc and musl
}

}  // namespace ssocred::platform
