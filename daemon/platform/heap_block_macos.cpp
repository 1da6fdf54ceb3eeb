#include <malloc/malloc.h>

#include "platform/heap_block.hpp"

namespace ssocred::platform {

std::size_t heap_block_size(void* p) noexcept {
    return ::malloc_size(p);
}

}  // namespace ssocred::platform
