#include "platform/executable_path.hpp"

namespace ssocred::platform {

Expected<std::filesystem::path> executable_path() {
    std::error_code ec;
    auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return Error::make(ErrorCode::NotFound, "/proc/self/exe: " + ec.message());
    return p;
}

}  // namespace ssocred::platform
