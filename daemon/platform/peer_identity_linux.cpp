// Peer identity on Linux: NETLINK_SOCK_DIAG for the owner of any TCP socket in our network
// namespace (ssocred/peer_identity.hpp). Unix peers (SO_PEERCRED): peer_identity.cpp.
#include <cerrno>
#include <cstring>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include "ssocred/cidr.hpp"
#include "ssocred/errno_text.hpp"
#include "ssocred/peer_identity.hpp"

#include "store/unique_fd.hpp"

namespace ssocred {

TcpOwnerVisibility tcp_owner_visibility() noexcept {
    return TcpOwnerVisibility::AnyUser;
}

namespace {

// Opens a NETLINK_SOCK_DIAG socket (replies time out after a second) and sends it one
// request: an exact lookup, or with NLM_F_DUMP every socket that matches `req`.
Expected<UniqueFd> send_diag_request(const inet_diag_req_v2& req, std::uint16_t flags) {
    UniqueFd nl(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
    if (!nl.valid()) {
        const int err = errno;
        return Error::make(ErrorCode::Io,
                           std::string("socket diagnostics unavailable: ") + errno_text(err));
    }
    struct timeval tv {
        1, 0
    };
    ::setsockopt(nl.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct {
        nlmsghdr nlh;
        inet_diag_req_v2 req;
    } msg{};
    msg.nlh.nlmsg_len = sizeof msg;
    msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    msg.nlh.nlmsg_flags = flags;
    msg.nlh.nlmsg_seq = 1;
    msg.req = req;
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(nl.get(), &msg, sizeof msg, 0, reinterpret_cast<sockaddr*>(&kernel),
                 sizeof kernel) < 0) {
        const int err = errno;
        return Error::make(ErrorCode::Io,
                           std::string("sock_diag request failed: ") + errno_text(err));
    }
    return nl;
}

void fill_addr(const boost::asio::ip::address& a, __be32 out[4]) {
    std::memset(out, 0, 4 * sizeof(__be32));
    if (a.is_v4()) {
        const auto b = a.to_v4().to_bytes();
        std::memcpy(out, b.data(), b.size());
    } else {
        const auto b = a.to_v6().to_bytes();
        std::memcpy(out, b.data(), b.size());
    }
}

}  // namespace

Expected<uid_t> tcp_peer_uid(const boost::asio::ip::tcp::endpoint& local,
                             const boost::asio::ip::tcp::endpoint& peer) {
    // The client's socket: its source is `peer`, its destination is `local`. A dual-stack
    // listener reports IPv4 peers as v4-mapped; the client's socket is then AF_INET.
    const auto src = unmap(peer.address());
    const auto dst = unmap(local.address());
    if (src.is_v4() != dst.is_v4()) {
        return Error::make(ErrorCode::Internal, "mixed address families in a TCP connection");
    }
    inet_diag_req_v2 req{};
    req.sdiag_family = src.is_v4() ? AF_INET : AF_INET6;
    req.sdiag_protocol = IPPROTO_TCP;
    req.idiag_states = ~0U;
    req.id.idiag_sport = htons(peer.port());
    req.id.idiag_dport = htons(local.port());
    fill_addr(src, req.id.idiag_src);
    fill_addr(dst, req.id.idiag_dst);
    req.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
    req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
    auto nl = send_diag_request(req, NLM_F_REQUEST);  // an exact lookup, not a dump
    if (!nl) return std::move(nl).error();
    alignas(nlmsghdr) char buf[8192];
    const ssize_t n = ::recv(nl->get(), buf, sizeof buf, 0);
    if (n < 0) {
        const int err = errno;
        return Error::make(ErrorCode::Io,
                           std::string("sock_diag reply failed: ") + errno_text(err));
    }
    int len = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
        if (h->nlmsg_type == NLMSG_ERROR) {
            const auto* err = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
            return Error::make(ErrorCode::NotFound,
                               std::string("peer socket not found: ") + errno_text(-err->error));
        }
        if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY &&
            h->nlmsg_len >= NLMSG_LENGTH(sizeof(inet_diag_msg))) {
            const auto* d = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
            return static_cast<uid_t>(d->idiag_uid);
        }
    }
    return Error::make(ErrorCode::NotFound, "peer socket not found");
}

Expected<std::vector<uid_t>> tcp_listener_uids(const boost::asio::ip::tcp::endpoint& ep) {
    const auto want = unmap(ep.address());
    std::vector<uid_t> out;
    for (const int family : {AF_INET, AF_INET6}) {
        inet_diag_req_v2 req{};
        req.sdiag_family = static_cast<__u8>(family);
        req.sdiag_protocol = IPPROTO_TCP;
        req.idiag_states = 1U << TCP_LISTEN;
        auto nl = send_diag_request(req, NLM_F_REQUEST | NLM_F_DUMP);
        if (!nl) return std::move(nl).error();
        // A dump comes in as many datagrams as it takes, ended by NLMSG_DONE. Bounded: a
        // host has finitely many listeners, and each recv times out after a second.
        bool done = false;
        for (int reads = 0; !done && reads < 4096; ++reads) {
            alignas(nlmsghdr) char buf[16384];
            const ssize_t n = ::recv(nl->get(), buf, sizeof buf, 0);
            if (n <= 0) {
                const int err = errno;
                return Error::make(ErrorCode::Io,
                                   std::string("sock_diag reply failed: ") +
                                       (n == 0 ? "the kernel closed the socket" : errno_text(err)));
            }
            int len = static_cast<int>(n);
            for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len);
                 h = NLMSG_NEXT(h, len)) {
                if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
                    done = true;  // an error here: no such family (IPv6 off): nothing to add
                    break;
                }
                if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
                    h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg)))
                    continue;
                const auto* d = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
                if (ntohs(d->id.idiag_sport) != ep.port()) continue;
                boost::asio::ip::address local;
                if (d->idiag_family == AF_INET) {
                    boost::asio::ip::address_v4::bytes_type b{};
                    std::memcpy(b.data(), d->id.idiag_src, b.size());
                    local = boost::asio::ip::address_v4(b);
                } else {
                    boost::asio::ip::address_v6::bytes_type b{};
                    std::memcpy(b.data(), d->id.idiag_src, b.size());
                    local = boost::asio::ip::address_v6(b);
                }
                const bool wildcard = local.is_unspecified();
                const bool same = unmap(local) == want;
                // [::] takes IPv4 too unless IPV6_V6ONLY; counting it errs on the safe side.
                const bool family_ok = wildcard && (local.is_v6() || want.is_v4());
                if (same || family_ok) out.push_back(static_cast<uid_t>(d->idiag_uid));
            }
        }
    }
    return out;
}

}  // namespace ssocred
