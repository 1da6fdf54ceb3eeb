// The generic layer: the procfs links where they exist (generic_executable_path.cpp).
#include "platform/executable_path.hpp"

namespace ssocred::platform {

Expected<std::filesystem::path> executable_path() {
    return generic::executable_path_from_procfs();
}

}  // namespace ssocred::platform
