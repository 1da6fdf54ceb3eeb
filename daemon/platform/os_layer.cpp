#include "platform/os_layer.hpp"

#include <string_view>
#include <sys/utsname.h>

namespace ssocred::platform {

bool kernel_is_linux() noexcept {
    utsname names{};
    return ::uname(&names) == 0 && std::string_view(names.sysname) == "Linux";
}

}  // namespace ssocred::platform
