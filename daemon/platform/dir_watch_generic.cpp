// The generic layer has no kernel notification to stand on: it polls (generic_dir_watch.cpp).
// A second is short enough for an edited config to apply "within about a second" and a few
// lstat() calls a second cost nothing.
#include "platform/dir_watch.hpp"

namespace ssocred::platform {

Expected<std::unique_ptr<DirWatch>> make_dir_watch() {
    return make_polling_dir_watch(std::chrono::seconds(1));
}

}  // namespace ssocred::platform
