// Peer identity for the portable build: unix peers only. The owner of a TCP peer cannot be
// known without an OS-specific lookup, so every TCP lookup fails and callers refuse: IMDS
// answers 403 (docs/endpoints.md), the squatting checks say they cannot tell.
#include <cerrno>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ssocred/errno_text.hpp"
#include "ssocred/peer_identity.hpp"

namespace ssocred {
namespace {

Error no_tcp_owner() {
    return Error::make(ErrorCode::Internal,
                       "this build of ssocred (portable) cannot tell which user owns a TCP "
                       "connection");
}

}  // namespace

TcpOwnerVisibility tcp_owner_visibility() noexcept {
    return TcpOwnerVisibility::None;
}

// glibc has no getpeereid(); its SO_PEERCRED (struct ucred) carries the uid and the pid.
// Other C libraries (BSDs, musl) have getpeereid(), and some LOCAL_PEERPID for the pid.
Expected<uid_t> unix_peer_uid(int fd) {
#if defined(__GLIBC__)
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
#if defined(__GLIBC__)
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

Expected<uid_t> tcp_peer_uid(const boost::asio::ip::tcp::endpoint&,
                             const boost::asio::ip::tcp::endpoint&) {
    return no_tcp_owner();
}

Expected<std::vector<uid_t>> tcp_listener_uids(const boost::asio::ip::tcp::endpoint&) {
    return no_tcp_owner();
}

}  // namespace ssocred
