// The serving plane's own system calls on a connection, where the OSes differ: taking it off
// the listener, asking the kernel to hold connections until their request arrives, and
// sending a reply. They are the whole cost of a `Connection: close` request, which every
// SDK process that makes one call pays (docs/performance.md); Linux has a cheaper form of
// each, the other layers the POSIX one.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

namespace ssocred::platform {

// One pending connection, or -1 with errno set (EAGAIN/EWOULDBLOCK when nothing is pending on
// a non-blocking listener). The new descriptor is non-blocking and close-on-exec, and a send
// after the peer left fails with EPIPE instead of raising SIGPIPE. `addr`/`len` receive the
// peer's address, as for accept(2). ssocred::accept_cloexec (one accept4 where the OS has
// it), plus SO_NOSIGPIPE where that is how the OS avoids SIGPIPE.
int accept_connection(int listen_fd, sockaddr* addr, socklen_t* len) noexcept;

// A TCP listener hands a connection to accept only once the client has sent its first bytes,
// or about a second after the handshake for a client that stays silent (Linux:
// TCP_DEFER_ACCEPT). The daemon then reads the request in the same loop turn as it accepts,
// instead of waiting for it through the reactor. Elsewhere it does nothing.
void defer_accept_until_data(int listen_fd) noexcept;

// sendmsg without SIGPIPE. `closing_next`: the caller closes the connection right after this
// send, so a reply that is not a whole segment may wait for that close and leave in the same
// segment as the FIN (Linux: MSG_MORE), one packet fewer for both ends.
ssize_t send_reply(int fd, const msghdr& message, bool closing_next) noexcept;

}  // namespace ssocred::platform
