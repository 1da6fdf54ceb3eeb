// Which OS layer this build of daemon/platform/ is (daemon/CMakeLists.txt chooses it), and
// the OS it runs on, for `status` and for tests that check the layer's own behaviour.
#pragma once

#include <string_view>

namespace ssocred::platform {

// "linux", "macos" or "generic" (the portable build, or an OS without a layer of its own).
std::string_view os_layer() noexcept;

// True when the running kernel is Linux (uname), whatever the layer: the portable build on
// Linux still has Linux's network tools (ssocred container-setup).
bool kernel_is_linux() noexcept;

}  // namespace ssocred::platform
