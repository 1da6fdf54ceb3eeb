// Default locations, resolved from the environment the way the AWS CLI and XDG do.
#pragma once

#include <filesystem>
#include <string>

namespace ssocred::paths {

// macOS: where the control socket lives, relative to the home directory. launchd expands no
// variables in a plist, so launchd/install-agent.sh writes the user's home in front of this
// same path in the LaunchAgent's Sockets/control/SockPathName; the CLI and a daemon started
// by hand use it too, and all three agree. (tests/integration/test_service.py reads it here.)
inline constexpr const char* kMacosSocketInHome =
    "Library/Application Support/ssocred/ssocredd.sock";

std::filesystem::path home_dir();
// $SSOCRED_SOCKET when set; else $XDG_RUNTIME_DIR/ssocred/ssocredd.sock (Linux; without
// XDG_RUNTIME_DIR, /tmp/ssocred-<uid>/ssocred/ssocredd.sock), or ~/kMacosSocketInHome on macOS.
std::filesystem::path default_socket();
// $XDG_STATE_HOME/ssocred (default ~/.local/state/ssocred).
std::filesystem::path default_state_dir();
// $AWS_CONFIG_FILE (with ~ expanded) or ~/.aws/config.
std::filesystem::path aws_config_file();
// ~/.aws/sso/cache (hard-coded by every SDK; no env var).
std::filesystem::path aws_sso_cache_dir();
// "~/x" -> home/x; "$VAR/x" and "${VAR}/x" expanded.
std::filesystem::path expand_user(const std::string& path);

}  // namespace ssocred::paths
