// Peer identity as each OS layer promises it (ssocred/peer_identity.hpp): unix peers
// everywhere, TCP owners by sock_diag (linux), our own sockets only (macos), or never - every
// lookup refused (the portable build).
#include "ssocred/peer_identity.hpp"

#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

#include "platform/os_layer.hpp"
#include "platform/platform_status.hpp"

namespace ssocred {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

TEST(PeerIdentity, UnixPeersAreKnownEverywhere) {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    auto uid = unix_peer_uid(sv[0]);
    ASSERT_TRUE(uid) << uid.error().message;
    EXPECT_EQ(*uid, ::geteuid());
    auto pid = unix_peer_pid(sv[0]);
    ASSERT_TRUE(pid) << pid.error().message;
    EXPECT_EQ(*pid, ::getpid());
    ::close(sv[0]);
    ::close(sv[1]);
    EXPECT_FALSE(unix_peer_uid(-1));
}

TEST(PeerIdentity, EachLayerSaysWhatItCanProve) {
    const auto layer = platform::os_layer();
    const auto visibility = tcp_owner_visibility();
    const auto expected = layer == "linux"   ? TcpOwnerVisibility::AnyUser
                          : layer == "macos" ? TcpOwnerVisibility::OwnUser
                                             : TcpOwnerVisibility::None;
    EXPECT_EQ(visibility, expected) << layer;
    const auto status = platform::platform_status();
    EXPECT_EQ(status.at("os_layer"), std::string(layer));
    EXPECT_EQ(status.at("tcp_peer_owner"), to_string(visibility));
    EXPECT_TRUE(status.at("journal").is_boolean());
    EXPECT_STREQ(to_string(TcpOwnerVisibility::AnyUser), "any_user");
    EXPECT_STREQ(to_string(TcpOwnerVisibility::OwnUser), "own_user");
    EXPECT_STREQ(to_string(TcpOwnerVisibility::None), "none");
}

// A loopback connection made by this very process: its client socket is ours.
TEST(PeerIdentity, LoopbackTcpPeerIsOursOrRefused) {
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    tcp::socket client(io);
    client.connect(acceptor.local_endpoint());
    tcp::socket server = acceptor.accept();
    const auto local = server.local_endpoint();
    const auto peer = server.remote_endpoint();

    auto uid = tcp_peer_uid(local, peer);
    auto listeners = tcp_listener_uids(acceptor.local_endpoint());
    switch (tcp_owner_visibility()) {
        case TcpOwnerVisibility::AnyUser:
        case TcpOwnerVisibility::OwnUser:
            ASSERT_TRUE(uid) << uid.error().message;
            EXPECT_EQ(*uid, ::geteuid());
            ASSERT_TRUE(listeners) << listeners.error().message;
            EXPECT_EQ(*listeners, std::vector<uid_t>{::geteuid()});
            // A 4-tuple no socket has is not found, hence refused.
            EXPECT_FALSE(tcp_peer_uid(tcp::endpoint(local.address(), 1), peer));
            break;
        case TcpOwnerVisibility::None:
            // Fail closed: no owner is ever claimed, for a peer or for a listener.
            ASSERT_FALSE(uid);
            EXPECT_NE(uid.error().message.find("cannot tell which user"), std::string::npos)
                << uid.error().message;
            EXPECT_FALSE(listeners);
            break;
    }
}

}  // namespace
}  // namespace ssocred
