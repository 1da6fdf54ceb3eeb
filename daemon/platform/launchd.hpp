// launchd integration: the sockets a LaunchAgent declares (Sockets = {control, http}),
// taken with launch_activate_socket (launchd_macos.cpp). Elsewhere (launchd_generic.cpp) an
// empty list.
#pragma once

#include <string>
#include <vector>

#include "ssocred/expected.hpp"

namespace ssocred::platform {

struct LaunchdSocket {
    int fd = -1;
    std::string name;  // "control" or "http"
};

// Every fd launchd holds for the names "control" and "http". A name the plist does not
// declare is skipped (ESRCH/ENOENT); other failures are errors.
Expected<std::vector<LaunchdSocket>> launchd_sockets();

}  // namespace ssocred::platform
