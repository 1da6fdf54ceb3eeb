// launchd socket activation: the sockets the LaunchAgent's plist declares by name.
#include <cerrno>
#include <cstdlib>
#include <launch.h>

#include "ssocred/errno_text.hpp"

#include "platform/launchd.hpp"
#include "platform/socket_names.hpp"

namespace ssocred::platform {

Expected<std::vector<LaunchdSocket>> launchd_sockets() {
    std::vector<LaunchdSocket> out;
    for (const char* name : {kControlSocketName, kHttpSocketName}) {
        int* fds = nullptr;
        size_t count = 0;
        const int rc = launch_activate_socket(name, &fds, &count);
        if (rc == ESRCH || rc == ENOENT) continue;  // not launched by launchd, or not declared
        if (rc != 0) {
            return Error::make(ErrorCode::Io, std::string("launch_activate_socket(") + name +
                                                  ") failed: " + errno_text(rc));
        }
        for (size_t i = 0; i < count; ++i) out.push_back({fds[i], name});
        std::free(fds);  // NOLINT(cppcoreguidelines-no-malloc): launchd's allocation
    }
    return out;
}

}  // namespace ssocred::platform
