// CIDR ranges for --allow-cidr: which non-loopback peers may reach the HTTP listeners. The
// parser and the address rules are shared with NO_PROXY and the OS layer
// (ssocred/cidr.hpp); the serving plane keeps its names for them.
#pragma once

#include "ssocred/cidr.hpp"

namespace ssocred::serve {

using ssocred::any_contains;
using ssocred::Cidr;
using ssocred::is_loopback;
using ssocred::unmap;

}  // namespace ssocred::serve
