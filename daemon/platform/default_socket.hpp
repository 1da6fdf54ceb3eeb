// Where the control socket lives when nothing says otherwise (ssocred/paths.hpp
// default_socket(), after $SSOCRED_SOCKET): the daemon, the CLI and the service files agree.
#pragma once

#include <filesystem>

namespace ssocred::platform {

// macOS: ~/kMacosSocketInHome (macOS has no XDG_RUNTIME_DIR; the LaunchAgent declares the
// same path). Elsewhere: $XDG_RUNTIME_DIR/ssocred/ssocredd.sock, or without it
// /tmp/ssocred-<uid>/ssocred/ssocredd.sock.
std::filesystem::path default_socket_path(const std::filesystem::path& home);

}  // namespace ssocred::platform
