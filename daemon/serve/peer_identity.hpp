// The serving plane's names for the peer lookups in ssocred/peer_identity.hpp.
#pragma once

#include "ssocred/peer_identity.hpp"

namespace ssocred::serve {

using ssocred::tcp_listener_uids;
using ssocred::tcp_owner_visibility;
using ssocred::tcp_peer_uid;
using ssocred::unix_peer_uid;

}  // namespace ssocred::serve
