#include "ssocred/descriptors.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace ssocred {

namespace fallback {
namespace {

// Sets the flags on a descriptor just created; closes it (keeping errno) when that fails.
// O_NONBLOCK is set or cleared either way: a BSD accept(2) copies it from the listener.
int with_flags(int fd, FdMode mode) noexcept {
    if (fd < 0) return fd;
    const bool cloexec = ::fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
    const int status = cloexec ? ::fcntl(fd, F_GETFL) : -1;
    if (status >= 0) {
        const int wanted =
            mode == FdMode::NonBlocking ? (status | O_NONBLOCK) : (status & ~O_NONBLOCK);
        if (wanted == status || ::fcntl(fd, F_SETFL, wanted) == 0) return fd;
    }
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
}

}  // namespace

int socket_cloexec(int domain, int type, int protocol, FdMode mode) noexcept {
    return with_flags(::socket(domain, type, protocol), mode);
}

int accept_cloexec(int listener, sockaddr* peer, socklen_t* peer_len, FdMode mode) noexcept {
    return with_flags(::accept(listener, peer, peer_len), mode);
}

int pipe_cloexec(int (&fds)[2], FdMode mode) noexcept {
    int created[2];
    if (::pipe(created) != 0) return -1;
    for (int i = 0; i < 2; ++i) {
        if (with_flags(created[i], mode) < 0) {
            const int saved = errno;
            ::close(created[1 - i]);  // with_flags closed created[i]
            errno = saved;
            return -1;
        }
    }
    fds[0] = created[0];
    fds[1] = created[1];
    return 0;
}

}  // namespace fallback

// A feature test, not an OS test: every system that has SOCK_CLOEXEC also has accept4 and
// pipe2 (Linux, FreeBSD, NetBSD, OpenBSD, illumos). Elsewhere (macOS): the fallback.
#if defined(SOCK_CLOEXEC)

namespace {
int atomic_flags(FdMode mode) noexcept {
    return SOCK_CLOEXEC | (mode == FdMode::NonBlocking ? SOCK_NONBLOCK : 0);
}
}  // namespace

int socket_cloexec(int domain, int type, int protocol, FdMode mode) noexcept {
    return ::socket(domain, type | atomic_flags(mode), protocol);
}

int accept_cloexec(int listener, sockaddr* peer, socklen_t* peer_len, FdMode mode) noexcept {
    return ::accept4(listener, peer, peer_len, atomic_flags(mode));
}

int pipe_cloexec(int (&fds)[2], FdMode mode) noexcept {
    return ::pipe2(fds, O_CLOEXEC | (mode == FdMode::NonBlocking ? O_NONBLOCK : 0));
}

#else

int socket_cloexec(int domain, int type, int protocol, FdMode mode) noexcept {
    return fallback::socket_cloexec(domain, type, protocol, mode);
}

int accept_cloexec(int listener, sockaddr* peer, socklen_t* peer_len, FdMode mode) noexcept {
    return fallback::accept_cloexec(listener, peer, peer_len, mode);
}

int pipe_cloexec(int (&fds)[2], FdMode mode) noexcept {
    return fallback::pipe_cloexec(fds, mode);
}

#endif

}  // namespace ssocred
