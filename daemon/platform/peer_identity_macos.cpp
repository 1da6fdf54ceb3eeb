// Peer identity on macOS. Unix peers (getpeereid, LOCAL_PEERPID): peer_identity.cpp. TCP: no
// sock_diag; libproc shows the sockets of the processes this user may inspect, i.e. our
// own. A socket found there is proven ours; anything else is unknown and refused (fail
// closed): another user's socket, a process we may not inspect, one that closed meanwhile.
#include <arpa/inet.h>
#include <cerrno>
#include <cstdint>
#include <libproc.h>
#include <string>
#include <sys/proc_info.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "ssocred/cidr.hpp"
#include "ssocred/peer_identity.hpp"

namespace ssocred {
namespace {

namespace ip = boost::asio::ip;

// An address as libproc reports it: IPv4 in the last word of the union, else IPv6. The
// local and the foreign address are unions of two distinct (unnamed) types, hence a template.
template <class InAddrUnion>
ip::address address_in(const InAddrUnion& a, std::uint8_t vflag) {
    if ((vflag & INI_IPV4) != 0) return ip::address_v4(ntohl(a.ina_46.i46a_addr4.s_addr));
    ip::address_v6::bytes_type b{};
    static_assert(sizeof b == sizeof a.ina_6.s6_addr);
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = a.ina_6.s6_addr[i];
    return unmap(ip::address_v6(b));
}

ip::address address_of(const in_sockinfo& in, bool local) {
    return local ? address_in(in.insi_laddr, in.insi_vflag)
                 : address_in(in.insi_faddr, in.insi_vflag);
}

unsigned short port_of(int network_order) {
    return ntohs(static_cast<std::uint16_t>(network_order));
}

// The pids of the processes running with our effective uid (a process may start or end
// between the two calls: the list is a snapshot, with room for a few more).
std::vector<pid_t> own_pids() {
    const uid_t uid = ::geteuid();
    int bytes = proc_listpids(PROC_UID_ONLY, uid, nullptr, 0);
    if (bytes <= 0) return {};
    std::vector<pid_t> pids(static_cast<std::size_t>(bytes) / sizeof(pid_t) + 64);
    bytes = proc_listpids(PROC_UID_ONLY, uid, pids.data(),
                          static_cast<int>(pids.size() * sizeof(pid_t)));
    if (bytes <= 0) return {};
    pids.resize(static_cast<std::size_t>(bytes) / sizeof(pid_t));
    std::erase(pids, 0);
    return pids;
}

// True as soon as `match` accepts one of the TCP sockets a process of ours holds.
template <class Match>
bool own_tcp_socket(Match&& match) {
    for (const pid_t pid : own_pids()) {
        int bytes = proc_pidinfo(pid, PROC_PIDLISTFDS, 0, nullptr, 0);
        if (bytes <= 0) continue;  // gone, or not ours to inspect
        std::vector<proc_fdinfo> fds(static_cast<std::size_t>(bytes) / sizeof(proc_fdinfo) + 16);
        bytes = proc_pidinfo(pid, PROC_PIDLISTFDS, 0, fds.data(),
                             static_cast<int>(fds.size() * sizeof(proc_fdinfo)));
        if (bytes <= 0) continue;
        fds.resize(static_cast<std::size_t>(bytes) / sizeof(proc_fdinfo));
        for (const auto& f : fds) {
            if (f.proc_fdtype != PROX_FDTYPE_SOCKET) continue;
            socket_fdinfo info{};
            if (proc_pidfdinfo(pid, f.proc_fd, PROC_PIDFDSOCKETINFO, &info, sizeof info) !=
                static_cast<int>(sizeof info))
                continue;
            if (info.psi.soi_kind != SOCKINFO_TCP) continue;
            if (match(info.psi.soi_proto.pri_tcp)) return true;
        }
    }
    return false;
}

}  // namespace

TcpOwnerVisibility tcp_owner_visibility() noexcept {
    return TcpOwnerVisibility::OwnUser;
}

Expected<uid_t> tcp_peer_uid(const boost::asio::ip::tcp::endpoint& local,
                             const boost::asio::ip::tcp::endpoint& peer) {
    // The client's socket: its local end is `peer`, its remote end is `local`.
    const auto src = unmap(peer.address());
    const auto dst = unmap(local.address());
    const bool found = own_tcp_socket([&](const tcp_sockinfo& tcp) {
        const auto& in = tcp.tcpsi_ini;
        return tcp.tcpsi_state != TSI_S_LISTEN && port_of(in.insi_lport) == peer.port() &&
               port_of(in.insi_fport) == local.port() && address_of(in, true) == src &&
               address_of(in, false) == dst;
    });
    if (found) return ::geteuid();
    return Error::make(ErrorCode::NotFound,
                       "the peer's socket is not held by a process of this user (on macOS the "
                       "sockets of other users cannot be inspected)");
}

Expected<std::vector<uid_t>> tcp_listener_uids(const boost::asio::ip::tcp::endpoint& ep) {
    const auto want = unmap(ep.address());
    const bool found = own_tcp_socket([&](const tcp_sockinfo& tcp) {
        const auto& in = tcp.tcpsi_ini;
        if (tcp.tcpsi_state != TSI_S_LISTEN || port_of(in.insi_lport) != ep.port()) return false;
        const auto local = address_of(in, true);
        // A wildcard receives the connections to `ep` ([::] takes IPv4 too unless V6ONLY).
        const bool wildcard = local.is_unspecified() && (local.is_v6() || want.is_v4());
        return wildcard || local == want;
    });
    if (found) return std::vector<uid_t>{::geteuid()};
    return Error::make(ErrorCode::NotFound,
                       "no process of this user listens on " + ep.address().to_string() + ":" +
                           std::to_string(ep.port()) +
                           ", and other users' sockets cannot be inspected on macOS");
}

}  // namespace ssocred
