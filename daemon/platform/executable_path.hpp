// The absolute path of the running program's own binary: the CLI starts the ssocredd that
// was installed beside it (client/autostart.cpp) before any on PATH.
//
// linux: /proc/self/exe; macos: _NSGetExecutablePath (dyld(3)), made canonical; generic:
// the procfs links other systems have (/proc/self/exe, /proc/curproc/file), else NotFound -
// the caller then falls back to a PATH search.
#pragma once

#include <filesystem>

#include "ssocred/expected.hpp"

namespace ssocred::platform {

// Errors: NotFound when the system does not tell.
Expected<std::filesystem::path> executable_path();

namespace generic {
// The generic layer's way (the procfs links), built on every OS so the tests run it too.
Expected<std::filesystem::path> executable_path_from_procfs();
}  // namespace generic

}  // namespace ssocred::platform
