// Socket activation, whoever the activator is (systemd, or launchd on macOS): which adopted
// fd is the control socket and which are HTTP listeners.
//
// systemd's FileDescriptorName= names every fd of one socket unit (systemd.socket(5)), so a
// single ssocredd.socket with a unix and a TCP ListenStream= passes both under one name.
// Names are therefore trusted only when they tell the fds apart; otherwise the socket
// itself decides: a unix stream socket is the control socket, an IPv4/IPv6 stream socket is
// an HTTP listener. A name that contradicts the socket is a configuration error.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ssocred/expected.hpp"

#include "platform/socket_names.hpp"

namespace ssocred::platform {

enum class SocketRole { Control, Http };

struct NamedFd {
    int fd = -1;
    std::string name;  // as the activator passed it; may be empty or a unit name
};

struct ClassifiedSocket {
    int fd = -1;
    SocketRole role = SocketRole::Http;
    std::filesystem::path unix_path;  // the bound path of a control socket, when it has one
};

// Classifies each fd (see above). Errors: a socket that is not a stream socket of a
// supported family, a name that contradicts the socket, more than one control socket.
Expected<std::vector<ClassifiedSocket>> classify_sockets(const std::vector<NamedFd>& fds);

// Every socket systemd (LISTEN_FDS) or launchd passed, classified. Empty when the daemon was
// started by hand. On error the fds stay open; the daemon exits anyway.
Expected<std::vector<ClassifiedSocket>> activated_sockets();

const char* to_string(SocketRole role) noexcept;

}  // namespace ssocred::platform
