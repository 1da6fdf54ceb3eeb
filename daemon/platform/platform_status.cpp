#include "platform/platform_status.hpp"

#include <string>

#include "ssocred/peer_identity.hpp"

#include "platform/log_sink.hpp"
#include "platform/os_layer.hpp"

namespace ssocred::platform {

nlohmann::json platform_status() {
    return {{"os_layer", std::string(os_layer())},
            {"tcp_peer_owner", to_string(tcp_owner_visibility())},
            {"journal", has_journal_sink()}};
}

}  // namespace ssocred::platform
