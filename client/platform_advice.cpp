#include "platform_advice.hpp"

#include "json_util.hpp"
#include "platform/os_layer.hpp"

namespace ssocred::cli {

bool imds_refused(const nlohmann::json& platform) {
    return str(platform, "tcp_peer_owner") == "none";
}

PlatformVerdict judge_platform(const nlohmann::json& platform) {
    const std::string layer = str(platform, "os_layer", "unknown");
    if (layer == "generic" || imds_refused(platform))
        return {true,
                layer +
                    " layer: IMDS is refused in this build; the PKCE sign-in listener "
                    "cannot refuse other local users",
                "prefer --use-device-code on shared machines (ssocred login uses it by default "
                "in this build)"};
    return {false, layer + " layer: IMDS on; the daemon can tell which local user connects", ""};
}

std::string daemon_start_hint(std::string_view os_layer) {
    if (os_layer == "macos")
        return "`launchctl kickstart gui/$UID/" + std::string(kLaunchdLabel) + "` or `ssocredd &`";
    if (os_layer == "linux") return "`systemctl --user start ssocredd.socket` or `ssocredd &`";
    return "`ssocredd &`";
}

std::string daemon_start_hint() {
    return daemon_start_hint(platform::os_layer());
}

}  // namespace ssocred::cli
