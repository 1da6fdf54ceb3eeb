// Default locations, resolved from the environment the way the AWS CLI and XDG do.
#pragma once

#include <filesystem>
#include <string>

namespace ssocred::paths {

std::filesystem::path home_dir();
// $XDG_RUNTIME_DIR/ssocred/ssocredd.sock, or $SSOCRED_SOCKET when set.
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
