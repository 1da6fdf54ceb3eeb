// What the CLI tells people about the OS layer: the doctor's `platform` check (from the
// daemon's GET /v1/status `platform`) and how to start the daemon on the OS this client was
// built for. One place, so `doctor`, `status` and the "not running" error never suggest
// systemctl on a Mac.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ssocred::cli {

struct PlatformVerdict {
    bool warn = false;   // the layer gives up a protection a shared machine needs
    std::string detail;  // what the layer is and can do
    std::string fix;     // what to do about it; empty when nothing
};

// The verdict on GET /v1/status `platform` ({"os_layer", "tcp_peer_owner", ...}, docs/
// control-api.md). The generic layer (tcp_peer_owner "none") cannot tell which local user
// owns a TCP connection: the metadata endpoint refuses everyone and the PKCE redirect
// listener cannot refuse anyone.
PlatformVerdict judge_platform(const nlohmann::json& platform);

// True when the daemon cannot serve IMDS (it refuses every TCP peer).
bool imds_refused(const nlohmann::json& platform);

// How to start the daemon on `os_layer` ("linux", "macos", "generic"), commands in
// backquotes, and on the layer this client was built with (the daemon ships in the same
// build).
std::string daemon_start_hint(std::string_view os_layer);
std::string daemon_start_hint();

// The launchd job of launchd/com.github.ssocred.ssocredd.plist (its Label).
inline constexpr std::string_view kLaunchdLabel = "com.github.ssocred.ssocredd";

}  // namespace ssocred::cli
