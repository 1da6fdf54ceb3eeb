// POSIX has no way to ask a block's size: nothing is wiped (heap_wipe.cpp).
#include "platform/heap_block.hpp"

namespace ssocred::platform {

std::size_t heap_block_size(void*) noexcept {
    return 0;
}

}  // namespace ssocred::platform
