// No launchd here: nothing was passed.
#include "platform/launchd.hpp"

namespace ssocred::platform {

Expected<std::vector<LaunchdSocket>> launchd_sockets() {
    return std::vector<LaunchdSocket>{};
}

}  // namespace ssocred::platform
