// Who is at the other end of a connection, as the kernel knows it. Implemented per OS in
// daemon/platform/peer_identity_{linux,macos,generic}.cpp.
//
// Unix sockets: SO_PEERCRED (Linux), getpeereid + LOCAL_PEERPID (macOS); the portable build
// uses whichever of the two the system has.
//
// The owner of a loopback TCP peer, only as far as it can be proven (TcpOwnerVisibility):
// - Linux: the peer's socket is in our own network namespace, so NETLINK_SOCK_DIAG looks it
//   up by its 4-tuple and reports its owner's uid (what `ss -e` shows), without privileges.
// - macOS: libproc shows the sockets of our own processes only. A peer socket found among
//   them is ours; one not found is unknown - another user's, or gone - and refused.
// - the portable build: nothing is known; every lookup is an error and callers refuse.
//
// In the core library: the serving plane checks IMDS and control-socket peers, the PKCE
// redirect listener its callers, and the CLI the daemon it talks to.
#pragma once

#include <sys/types.h>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "ssocred/expected.hpp"

namespace ssocred {

// What tcp_peer_uid and tcp_listener_uids can prove on this build.
enum class TcpOwnerVisibility {
    AnyUser,  // every socket's owner (Linux sock_diag)
    OwnUser,  // only sockets our own processes hold (macOS libproc); others are unknown
    None,     // nothing (the portable build): every TCP peer's owner is unknown
};
TcpOwnerVisibility tcp_owner_visibility() noexcept;
// "any_user", "own_user", "none" (GET /v1/status "platform").
const char* to_string(TcpOwnerVisibility visibility) noexcept;

// The uid of the process that connected on unix socket `fd`.
Expected<uid_t> unix_peer_uid(int fd);
// The pid of the process that connected on unix socket `fd` (SO_PEERCRED; LOCAL_PEERPID on
// macOS): what a token bound to its client watches.
Expected<pid_t> unix_peer_pid(int fd);

// The uid owning the TCP socket whose local end is `peer` and whose remote end is
// `local` (i.e. the client side of our accepted connection). Errors (callers fail closed):
// NotFound when the socket is not found (on macOS: not among our processes' sockets);
// Internal when this build cannot look owners up at all, or the lookup failed.
Expected<uid_t> tcp_peer_uid(const boost::asio::ip::tcp::endpoint& local,
                             const boost::asio::ip::tcp::endpoint& peer);

// The uids owning the TCP LISTEN sockets that receive connections to `ep` (same address,
// the wildcard of its family, the IPv6 wildcard or a v4-mapped address for IPv4): who holds
// a port we could not bind. Linux: every owner (a NETLINK_SOCK_DIAG dump). macOS: our own
// uid when one of our processes holds such a listener, else NotFound (other users' sockets
// cannot be seen, so "nobody" cannot be proven). The portable build: an Internal error.
Expected<std::vector<uid_t>> tcp_listener_uids(const boost::asio::ip::tcp::endpoint& ep);

}  // namespace ssocred
