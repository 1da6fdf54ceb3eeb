// Who holds a TCP listening socket: the check `ssocred doctor` and the CLI make before they
// print or probe an endpoint, and ssocredd before POST /v1/env hands one out (docs/security.md,
// "Port squatting"). One copy for both binaries (the base library).
//
// The daemon's default port is fixed (127.0.0.1:9911). While ssocredd is down, any local
// user can bind it; SDKs configured by an earlier `eval "$(ssocred env)"` would then send
// their token to that user. So the CLI asks the kernel who owns the listener the daemon
// reports, and refuses when it is another uid: the daemon runs as the user (its control
// socket peer is checked to be our uid), and so does a systemd user instance holding the
// port for socket activation.
//
// ssocred::tcp_listener_uids (the lookup the daemon makes for a port it cannot bind). Linux:
// the kernel's socket diagnostics, every owner. macOS: only our own listeners can be seen,
// so a port none of our processes holds is refused. The portable build sees no owner and
// checks nothing (docs/security.md). A listener on the exact address, on the wildcard
// address of its family, or (IPv4) on the IPv6 wildcard / a v4-mapped address counts: each
// receives connections to ADDR:PORT.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "ssocred/expected.hpp"

namespace ssocred {

// The uids of every LISTEN socket receiving connections to address:port on this host
// (empty: nothing listens, or - the portable build - nobody can be seen).
Expected<std::vector<uid_t>> listener_uids(std::string_view address, int port);

// "name (uid N)", or "uid N" when the uid has no user entry: how both binaries name the
// other owner of a port.
std::string user_label(uid_t uid);

// Ok when every listener of address:port belongs to `expected` (or none exists: nothing
// can receive a token yet). Otherwise an error naming the other owner (uid and user name)
// and saying that the port may be hijacked.
Status check_listener_owner(std::string_view address, int port, uid_t expected);

}  // namespace ssocred
