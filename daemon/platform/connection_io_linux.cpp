#include <netinet/in.h>
#include <netinet/tcp.h>

#include "ssocred/descriptors.hpp"

#include "platform/connection_io.hpp"

namespace ssocred::platform {

int accept_connection(int listen_fd, sockaddr* addr, socklen_t* len) noexcept {
    // accept4 with both flags: one call. SIGPIPE: send_reply and asio use MSG_NOSIGNAL.
    return accept_cloexec(listen_fd, addr, len, FdMode::NonBlocking);
}

void defer_accept_until_data(int listen_fd) noexcept {
    // In seconds: the kernel drops the handshake's bare ACK until this many SYN-ACK
    // retransmissions have passed (one, at about 1 s), then accepts on the next. A failure
    // (not TCP) leaves the listener as it was, which only costs a readiness wait per
    // connection.
    const int seconds = 1;
    (void)::setsockopt(listen_fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &seconds, sizeof seconds);
}

ssize_t send_reply(int fd, const msghdr& message, bool closing_next) noexcept {
    // MSG_MORE holds a partial segment back, as TCP_CORK would, for this call only; the close
    // that follows sends it with the FIN. Not for a connection that stays open: its reply
    // would wait for the next write (or the cork timeout) instead.
    return ::sendmsg(fd, &message, MSG_NOSIGNAL | (closing_next ? MSG_MORE : 0));
}

}  // namespace ssocred::platform
