// No portable call tells a program where its binary is. The procfs links that several
// systems have do (Linux and Cygwin: /proc/self/exe; FreeBSD and DragonFly with procfs
// mounted: /proc/curproc/file); without them the caller searches PATH instead.
#include <array>

#include "platform/executable_path.hpp"

namespace ssocred::platform::generic {

Expected<std::filesystem::path> executable_path_from_procfs() {
    constexpr std::array kLinks = {"/proc/self/exe", "/proc/curproc/file"};
    for (const char* link : kLinks) {
        std::error_code ec;
        auto p = std::filesystem::canonical(link, ec);
        if (!ec) return p;
    }
    return Error::make(ErrorCode::NotFound, "this system does not tell a program's own path");
}

}  // namespace ssocred::platform::generic
