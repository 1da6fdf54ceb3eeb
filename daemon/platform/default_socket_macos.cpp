#include "ssocred/paths.hpp"

#include "platform/default_socket.hpp"

namespace ssocred::platform {

std::filesystem::path default_socket_path(const std::filesystem::path& home) {
    return home / paths::kMacosSocketInHome;
}

}  // namespace ssocred::platform
