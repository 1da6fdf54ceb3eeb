// Peer identity for the portable build: unix peers only (peer_identity.cpp). The owner of a
// TCP peer cannot be known without an OS-specific lookup, so every TCP lookup fails and
// callers refuse: IMDS answers 403 (docs/endpoints.md), the squatting checks say they
// cannot tell.
#include <string>

#include "ssocred/peer_identity.hpp"

namespace ssocred {
namespace {

Error no_tcp_owner() {
    return Error::make(ErrorCode::Internal,
                       "this build of ssocred (portable) cannot tell which user owns a TCP "
                       "connection");
}

}  // namespace

TcpOwnerVisibility tcp_owner_visibility() noexcept {
    return TcpOwnerVisibility::None;
}

Expected<uid_t> tcp_peer_uid(const boost::asio::ip::tcp::endpoint&,
                             const boost::asio::ip::tcp::endpoint&) {
    return no_tcp_owner();
}

Expected<std::vector<uid_t>> tcp_listener_uids(const boost::asio::ip::tcp::endpoint&) {
    return no_tcp_owner();
}

}  // namespace ssocred
