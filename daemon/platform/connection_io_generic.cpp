#include <cerrno>
#include <unistd.h>

#include "ssocred/descriptors.hpp"

#include "platform/connection_io.hpp"

namespace ssocred::platform {

namespace {

#ifdef MSG_NOSIGNAL
constexpr int kNoSignal = MSG_NOSIGNAL;
#else
constexpr int kNoSignal = 0;  // SO_NOSIGPIPE, set on accept, does the same
#endif

}  // namespace

int accept_connection(int listen_fd, sockaddr* addr, socklen_t* len) noexcept {
    const int fd = accept_cloexec(listen_fd, addr, len, FdMode::NonBlocking);
#ifdef SO_NOSIGPIPE
    // macOS and the BSDs: the socket itself must not raise SIGPIPE (asio sets this only on
    // sockets it accepts itself, and this one is handed to it later).
    const int one = 1;
    if (fd >= 0 && ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one) != 0) {
        const int saved = errno;
        ::close(fd);
        errno = saved;
        return -1;
    }
#endif
    return fd;
}

// No portable equivalent (macOS has none; FreeBSD's accept filters are a kernel module): a
// connection accepted before its request arrives waits for it through the reactor.
void defer_accept_until_data(int /*listen_fd*/) noexcept {}

ssize_t send_reply(int fd, const msghdr& message, bool /*closing_next*/) noexcept {
    return ::sendmsg(fd, &message, kNoSignal);
}

}  // namespace ssocred::platform
