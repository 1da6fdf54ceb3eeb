#include "platform/activation.hpp"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <optional>
#include <set>
#include <sys/socket.h>
#include <sys/un.h>

#include "ssocred/errno_text.hpp"

#include "platform/launchd.hpp"
#include "platform/systemd.hpp"

namespace ssocred::platform {
namespace {

std::string describe(const NamedFd& f) {
    return "activated socket fd " + std::to_string(f.fd) +
           (f.name.empty() ? std::string() : " ('" + f.name + "')");
}

// What the socket is, from the kernel: SO_TYPE and the bound address's family.
Expected<SocketRole> role_of_socket(const NamedFd& f, std::filesystem::path& unix_path) {
    int type = 0;
    socklen_t len = sizeof type;
    if (::getsockopt(f.fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0) {
        const int err = errno;
        return Error::make(ErrorCode::Invalid,
                           describe(f) + " is not a socket: " + errno_text(err));
    }
    sockaddr_storage addr{};
    len = sizeof addr;
    if (::getsockname(f.fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        const int err = errno;
        return Error::make(ErrorCode::Invalid,
                           describe(f) + ": getsockname failed: " + errno_text(err));
    }
    if (type != SOCK_STREAM) {
        return Error::make(ErrorCode::Invalid,
                           describe(f) + " is not a stream socket (use ListenStream=)");
    }
    switch (addr.ss_family) {
        case AF_UNIX: {
            const auto* un = reinterpret_cast<const sockaddr_un*>(&addr);
            const auto max = len > offsetof(sockaddr_un, sun_path)
                                 ? static_cast<std::size_t>(len - offsetof(sockaddr_un, sun_path))
                                 : std::size_t{0};
            // An abstract socket (leading NUL) has no path in the file system.
            if (max > 0 && un->sun_path[0] != '\0')
                unix_path = std::string(un->sun_path, ::strnlen(un->sun_path, max));
            return SocketRole::Control;
        }
        case AF_INET:
        case AF_INET6:
            return SocketRole::Http;
        default:
            return Error::make(ErrorCode::Invalid,
                               describe(f) + " is neither a unix nor an IPv4/IPv6 socket");
    }
}

std::optional<SocketRole> role_of_name(const std::string& name) {
    if (name == kControlSocketName) return SocketRole::Control;
    if (name == kHttpSocketName) return SocketRole::Http;
    return std::nullopt;
}

}  // namespace

const char* to_string(SocketRole role) noexcept {
    return role == SocketRole::Control ? kControlSocketName : kHttpSocketName;
}

Expected<std::vector<ClassifiedSocket>> classify_sockets(const std::vector<NamedFd>& fds) {
    // One name shared by every fd (one socket unit with a single FileDescriptorName=, or
    // none: the unit's name) says nothing about which fd is which.
    std::set<std::string> names;
    for (const auto& f : fds) names.insert(f.name);
    const bool names_tell_apart = fds.size() < 2 || names.size() > 1;

    std::vector<ClassifiedSocket> out;
    bool have_control = false;
    for (const auto& f : fds) {
        ClassifiedSocket s{f.fd, SocketRole::Http, {}};
        auto role = role_of_socket(f, s.unix_path);
        if (!role) return role.error();
        s.role = *role;
        if (const auto named = role_of_name(f.name); named && names_tell_apart && *named != *role) {
            return Error::make(ErrorCode::Invalid,
                               describe(f) + " is a " +
                                   (*role == SocketRole::Control ? "unix" : "TCP") +
                                   " socket, but its name says '" + f.name + "'");
        }
        if (s.role == SocketRole::Control) {
            if (have_control) {
                return Error::make(ErrorCode::Invalid,
                                   "more than one unix socket was passed; the daemon has one "
                                   "control socket");
            }
            have_control = true;
        }
        out.push_back(std::move(s));
    }
    return out;
}

Expected<std::vector<ClassifiedSocket>> activated_sockets() {
    std::vector<NamedFd> fds;
    auto systemd = systemd_listen_fds();
    if (!systemd) return systemd.error();
    for (auto& f : *systemd) fds.push_back({f.fd, std::move(f.name)});
    auto launchd = launchd_sockets();
    if (!launchd) return launchd.error();
    for (auto& f : *launchd) fds.push_back({f.fd, std::move(f.name)});
    return classify_sockets(fds);
}

}  // namespace ssocred::platform
