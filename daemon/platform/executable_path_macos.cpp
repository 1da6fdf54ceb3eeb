// dyld(3): _NSGetExecutablePath gives the path the program was started by (perhaps through
// a link or with `..` in it), hence the canonical form. It reports the size it needs when
// the buffer is too small.
#include <cstdint>
#include <cstring>
#include <mach-o/dyld.h>
#include <string>

#include "platform/executable_path.hpp"

namespace ssocred::platform {

Expected<std::filesystem::path> executable_path() {
    std::uint32_t size = 1024;
    std::string buf(size, '\0');
    if (::_NSGetExecutablePath(buf.data(), &size) != 0) {
        buf.assign(size, '\0');  // `size` now holds the length it needs
        if (::_NSGetExecutablePath(buf.data(), &size) != 0)
            return Error::make(ErrorCode::NotFound, "the executable's path is not known");
    }
    buf.resize(std::strlen(buf.c_str()));
    std::error_code ec;
    auto p = std::filesystem::canonical(buf, ec);
    if (ec) return Error::make(ErrorCode::NotFound, buf + ": " + ec.message());
    return p;
}

}  // namespace ssocred::platform
