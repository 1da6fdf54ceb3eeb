#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

#include "platform/connection_io.hpp"

namespace ssocred::platform {

namespace {

#ifdef MSG_NOSIGNAL
constexpr int kNoSignal = MSG_NOSIGNAL;
#else
constexpr int kNoSignal = 0;  // SO_NOSIGPIPE, set on accept, does the same
#endif

}  // namespace

// POSIX has no accept4 (macOS lacks it): accept, then set the flags. The daemon starts no
// child process, so the close-on-exec gap between the calls is harmless.
int accept_connection(int listen_fd, sockaddr* addr, socklen_t* len) noexcept {
    const int fd = ::accept(listen_fd, addr, len);
    if (fd < 0) return -1;
    const int status = ::fcntl(fd, F_GETFL);
    bool ok = status >= 0 && ::fcntl(fd, F_SETFL, status | O_NONBLOCK) == 0 &&
              ::fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
#ifdef SO_NOSIGPIPE
    // macOS and the BSDs: the socket itself must not raise SIGPIPE.
    const int one = 1;
    ok = ok && ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one) == 0;
#endif
    if (!ok) {
        const int saved = errno;
        ::close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

// No portable equivalent (macOS has none; FreeBSD's accept filters are a kernel module): a
// connection accepted before its request arrives waits for it through the reactor.
void defer_accept_until_data(int /*listen_fd*/) noexcept {}

ssize_t send_reply(int fd, const msghdr& message, bool /*closing_next*/) noexcept {
    return ::sendmsg(fd, &message, kNoSignal);
}

}  // namespace ssocred::platform
