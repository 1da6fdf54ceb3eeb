// What every OS layer's peer identity shares: the names of the TCP owner visibilities, and
// the unix peer lookups, which differ by C library rather than by OS layer (the portable
// build runs the same calls as the native one). The TCP lookups: peer_identity_<layer>.cpp.
#include "ssocred/peer_identity.hpp"

#include <cerrno>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ssocred/errno_text.hpp"

namespace ssocred {

const char* to_string(TcpOwnerVisibility visibility) noexcept {
    switch (visibility) {
        case TcpOwnerVisibility::AnyUser:
            return "any_user";
        case TcpOwnerVisibility::OwnUser:
            return "own_user";
        case TcpOwnerVisibility::None:
            return "none";
    }
    return "none";
}

// Linux has no getpeereid() in glibc; its SO_PEERCRED (struct ucred, in musl too) carries the
// uid and the pid. The BSDs and macOS have getpeereid(), and some LOCAL_PEERPID for the pid.
Expected<uid_t> unix_peer_uid(int fd) {
#if defined(__linux__)
    struct ucred cred {};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
        const int err = errno;
        return Error::make(ErrorCode::Io, "SO_PEERCRED failed: " + errno_text(err));
    }
    return cred.uid;
#else
    uid_t uid = 0;
    gid_t gid = 0;
    if (::getpeereid(fd, &uid, &gid) != 0) {
        const int err = errno;
        return Error::make(ErrorCode::Io, "getpeereid failed: " + errno_text(err));
    }
    return uid;
#endif
}

Expected<pid_t> unix_peer_pid(int fd) {
#if defined(__linux__)
    struct ucred cred {};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.pid <= 0)
        return Error::make(ErrorCode::Io, "SO_PEERCRED gave no pid");
    return cred.pid;
#elif defined(LOCAL_PEERPID)
    pid_t pid = 0;
    socklen_t len = sizeof pid;
    if (::getsockopt(fd, SOL_LOCAL, LOCAL_PEERPID, &pid, &len) != 0 || pid <= 0)
        return Error::make(ErrorCode::Io, "LOCAL_PEERPID gave no pid");
    return pid;
#else
    (void)fd;
    return Error::make(ErrorCode::Internal, "the peer pid is not known on this system");
#endif
}

}  // namespace ssocred
