// The usable size of a heap block, for heap_wipe.cpp (the daemon zeroes freed memory).
#pragma once

#include <cstddef>

namespace ssocred::platform {

// The bytes usable in the malloc'ed block `p` (at least what was asked for): glibc's
// malloc_usable_size, macOS's malloc_size. 0 where the allocator cannot say (the portable
// build): nothing is wiped there. Must not allocate: it runs inside operator delete.
std::size_t heap_block_size(void* p) noexcept;

}  // namespace ssocred::platform
