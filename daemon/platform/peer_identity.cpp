// What every OS layer's peer identity shares (the per-OS lookups: peer_identity_<layer>.cpp).
#include "ssocred/peer_identity.hpp"

namespace ssocred {

const char* to_string(TcpOwnerVisibility visibility) noexcept {
    switch (visibility) {
        case TcpOwnerVisibility::AnyUser:
            return "any_user";
        case TcpOwnerVisibility::OwnUser:
            return "own_user";
        case TcpOwnerVisibility::None:
            return "none";
    }
    return "none";
}

}  // namespace ssocred
