#include "platform/os_layer.hpp"

namespace ssocred::platform {

std::string_view os_layer() noexcept {
    return "linux";
}

}  // namespace ssocred::platform
