// What this build's OS layer can and cannot do, as GET /v1/status reports it ("platform"),
// so that people (`ssocred status --json`) and tests see which fallbacks are in use.
#pragma once

#include <nlohmann/json.hpp>

namespace ssocred::platform {

// {"os_layer": "linux"|"macos"|"generic",
//  "tcp_peer_owner": "any_user"|"own_user"|"none" (ssocred/peer_identity.hpp; with "none"
//                    the metadata endpoint refuses every TCP peer),
//  "journal": whether the log can go to the systemd journal natively}
nlohmann::json platform_status();

}  // namespace ssocred::platform
