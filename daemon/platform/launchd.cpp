#include "platform/launchd.hpp"

#include "platform/socket_names.hpp"

#ifdef __APPLE__
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <launch.h>
#endif

namespace ssocred::platform {

Expected<std::vector<LaunchdSocket>> launchd_sockets() {
    std::vector<LaunchdSocket> out;
#ifdef __APPLE__
    for (const char* name : {kControlSocketName, kHttpSocketName}) {
        int* fds = nullptr;
        size_t count = 0;
        const int rc = launch_activate_socket(name, &fds, &count);
        if (rc == ESRCH || rc == ENOENT) continue;  // not launched by launchd, or not declared
        if (rc != 0) {
            return Error::make(ErrorCode::Io, std::string("launch_activate_socket(") + name +
                                                  ") failed: " + std::strerror(rc));
        }
        for (size_t i = 0; i < count; ++i) out.push_back({fds[i], name});
        std::free(fds);
    }
#endif
    return out;
}

}  // namespace ssocred::platform
