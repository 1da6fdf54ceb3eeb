// Who is at the other end of a connection, as the kernel knows it.
//
// Unix sockets: SO_PEERCRED (getpeereid on macOS). Loopback TCP on Linux: the peer's
// socket is in our own network namespace, so NETLINK_SOCK_DIAG can look it up by its
// 4-tuple and report its owner's uid (what `ss -e` shows), without privileges.
//
// In the core library: the serving plane checks IMDS and control-socket peers, the PKCE
// redirect listener its callers, and the CLI the daemon it talks to.
#pragma once

#include <sys/types.h>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "ssocred/expected.hpp"

namespace ssocred {

// The uid of the process that connected on unix socket `fd`.
Expected<uid_t> unix_peer_uid(int fd);
// The pid of the process that connected on unix socket `fd` (SO_PEERCRED; LOCAL_PEERPID on
// macOS): what a token bound to its client watches.
Expected<pid_t> unix_peer_pid(int fd);

// The uid owning the TCP socket whose local end is `peer` and whose remote end is
// `local` (i.e. the client side of our accepted connection). Linux only; elsewhere it
// returns an Internal error, and callers fail closed.
Expected<uid_t> tcp_peer_uid(const boost::asio::ip::tcp::endpoint& local,
                             const boost::asio::ip::tcp::endpoint& peer);

// The uids owning the TCP LISTEN sockets that receive connections to `ep` (same address,
// the wildcard of its family, the IPv6 wildcard or a v4-mapped address for IPv4): who holds
// a port we could not bind. Linux only (a NETLINK_SOCK_DIAG dump); elsewhere an Internal
// error.
Expected<std::vector<uid_t>> tcp_listener_uids(const boost::asio::ip::tcp::endpoint& ep);

}  // namespace ssocred
