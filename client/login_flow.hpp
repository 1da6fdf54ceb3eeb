// Which sign-in flow suits this terminal, decided as a person would: the device code flow
// when the browser that PKCE needs cannot be on this machine (an SSH session, or no display
// on Linux), the authorization code flow with PKCE otherwise. The reason is one sentence
// the CLI shows, so nobody wonders why a URL asks for a code.
#pragma once

#include <string>
#include <string_view>

#include "env_plan.hpp"

namespace ssocred::cli {

enum class SigninFlow { Pkce, DeviceCode };

struct FlowChoice {
    SigninFlow flow = SigninFlow::Pkce;
    std::string reason;  // "this is an SSH session", ...
};

// `forced`: --use-device-code. `has_display_server`: the platform needs DISPLAY or
// WAYLAND_DISPLAY for a browser (Linux; not macOS). `listener_knows_peers`: the OS layer
// can tell which user owns a TCP connection (false on the generic layer: device code).
FlowChoice choose_flow(bool forced, const EnvLookup& env, bool has_display_server,
                       bool listener_knows_peers = true);
FlowChoice choose_flow(bool forced, const EnvLookup& env);  // for this platform

// The daemon's name of a flow ("authorization_code", "device_code").
std::string_view flow_api_name(SigninFlow flow);
// "the browser flow (PKCE)" / "the device code flow".
std::string_view flow_label(SigninFlow flow);

}  // namespace ssocred::cli
