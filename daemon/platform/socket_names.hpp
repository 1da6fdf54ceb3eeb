// The names of the activated sockets, in one place: the daemon asks launchd for exactly these
// (launch_activate_socket), launchd/*.plist declares exactly these `Sockets` keys, and a
// systemd socket unit may give them with FileDescriptorName=. tests/integration/
// test_service.py reads this file to check the plist against it.
#pragma once

namespace ssocred::platform {

inline constexpr const char* kControlSocketName = "control";  // the unix control socket
inline constexpr const char* kHttpSocketName = "http";        // the loopback HTTP endpoint

}  // namespace ssocred::platform
