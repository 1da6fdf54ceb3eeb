#include <cstdlib>
#include <string>
#include <unistd.h>

#include "platform/default_socket.hpp"

namespace ssocred::platform {

std::filesystem::path default_socket_path(const std::filesystem::path&) {
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    std::filesystem::path dir = "/tmp/ssocred-" + std::to_string(::getuid());
    if (runtime != nullptr && *runtime != '\0') dir = runtime;
    return dir / "ssocred" / "ssocredd.sock";
}

}  // namespace ssocred::platform
