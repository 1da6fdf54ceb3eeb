#include "login_flow.hpp"

#include "platform/url_opener.hpp"

namespace ssocred::cli {
namespace {

bool is_set(const EnvLookup& env, std::string_view name) {
    auto v = env(name);
    return v && !v->empty();
}

}  // namespace

FlowChoice choose_flow(bool forced, const EnvLookup& env, bool has_display_server) {
    if (forced) return {SigninFlow::DeviceCode, "you asked for it (--use-device-code)"};
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
    return choose_flow(forced, env, platform::url_opener().needs_display_server);
}

std::string_view flow_api_name(SigninFlow flow) {
    return flow == SigninFlow::DeviceCode ? "device_code" : "authorization_code";
}

std::string_view flow_label(SigninFlow flow) {
    return flow == SigninFlow::DeviceCode ? "the device code flow" : "the browser flow (PKCE)";
}

}  // namespace ssocred::cli
