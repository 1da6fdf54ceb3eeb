#include "login_flow.hpp"

#include "ssocred/peer_identity.hpp"

#include "platform/url_opener.hpp"

namespace ssocred::cli {
namespace {

bool is_set(const EnvLookup& env, std::string_view name) {
    auto v = env(name);
    return v && !v->empty();
}

}  // namespace

FlowChoice choose_flow(bool forced, const EnvLookup& env, bool has_display_server,
                       bool listener_knows_peers) {
    if (forced) return {SigninFlow::DeviceCode, "you asked for it (--use-device-code)"};
    // Without a way to see who owns a TCP connection (the generic layer), the PKCE redirect
    // listener takes the code from any local user's connection (docs/security.md 16.3): on a
    // shared machine another user could race the browser to it. The device code flow has
    // no local listener. The daemon is from the same build as this client, so the client's
    // layer is the daemon's (its GET /v1/status says tcp_peer_owner "none").
    if (!listener_knows_peers)
        return {SigninFlow::DeviceCode,
                "this build cannot tell which local user connects to the browser flow's "
                "listener"};
    // PKCE's redirect goes to 127.0.0.1 on this machine: a browser on the machine the
    // person sits at (the other end of SSH) cannot reach it.
    if (is_set(env, "SSH_CONNECTION") || is_set(env, "SSH_TTY") || is_set(env, "SSH_CLIENT"))
        return {SigninFlow::DeviceCode, "this is an SSH session"};
    if (has_display_server && !is_set(env, "DISPLAY") && !is_set(env, "WAYLAND_DISPLAY"))
        return {SigninFlow::DeviceCode,
                "there is no display (DISPLAY and WAYLAND_DISPLAY are unset)"};
    return {SigninFlow::Pkce, "a browser can open on this machine"};
}

FlowChoice choose_flow(bool forced, const EnvLookup& env) {
    return choose_flow(forced, env, platform::url_opener().needs_display_server,
                       tcp_owner_visibility() != TcpOwnerVisibility::None);
}

std::string_view flow_api_name(SigninFlow flow) {
    return flow == SigninFlow::DeviceCode ? "device_code" : "authorization_code";
}

std::string_view flow_label(SigninFlow flow) {
    return flow == SigninFlow::DeviceCode ? "the device code flow" : "the browser flow (PKCE)";
}

}  // namespace ssocred::cli
