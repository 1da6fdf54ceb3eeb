#include "listener_owner.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace ssocred::cli {
namespace {

// Captured from Linux (x86-64): 127.0.0.1:9911 listened on by uid 65534, 0.0.0.0:22 by
// root, an established connection to 9911 by uid 1000, a listener on 127.0.0.2:9911.
constexpr const char* kTcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
    "timeout inode\n"
    "   0: 0100007F:26B7 00000000:0000 0A 00000000:00000000 00:00000000 00000000 65534        "
    "0 41234 1 0000000000000000 100 0 0 10 0\n"
    "   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        "
    "0 1234 1 0000000000000000 100 0 0 10 0\n"
    "   2: 0100007F:9C40 0100007F:26B7 01 00000000:00000000 00:00000000 00000000  1000        "
    "0 5678 1 0000000000000000 20 4 30 10 -1\n"
    "   3: 0200007F:26B7 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1001        "
    "0 9999 1 0000000000000000 100 0 0 10 0\n"
    "garbage line\n";

// [::]:9911 by uid 1000, [::1]:8080 by uid 1002.
constexpr const char* kTcp6 =
    "  sl  local_address                         remote_address                        st "
    "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000000000000000000000000000:26B7 00000000000000000000000000000000:0000 0A "
    "00000000:00000000 00:00000000 00000000  1000        0 111 1 0000000000000000 100 0 0 10 0\n"
    "   1: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A "
    "00000000:00000000 00:00000000 00000000  1002        0 222 1 0000000000000000 100 0 0 10 0\n";

TEST(ListenerOwner, FindsTheListenerOfAnAddressAndPort) {
    EXPECT_EQ(listener_uids_in(kTcp, "127.0.0.1", 9911), std::vector<uid_t>{65534});
    EXPECT_EQ(listener_uids_in(kTcp, "127.0.0.2", 9911), std::vector<uid_t>{1001});
    // The wildcard listener receives connections to every local address.
    EXPECT_EQ(listener_uids_in(kTcp, "127.0.0.1", 22), std::vector<uid_t>{0});
    // Established sockets, other ports: nothing.
    EXPECT_TRUE(listener_uids_in(kTcp, "127.0.0.1", 40000).empty());
    EXPECT_TRUE(listener_uids_in(kTcp, "127.0.0.3", 9911).empty());
}

TEST(ListenerOwner, Ipv6AndDualStack) {
    EXPECT_EQ(listener_uids_in(kTcp6, "::1", 8080), std::vector<uid_t>{1002});
    EXPECT_EQ(listener_uids_in(kTcp6, "[::1]", 8080), std::vector<uid_t>{1002});
    // [::]:9911 is dual-stack: it takes 127.0.0.1:9911 too.
    EXPECT_EQ(listener_uids_in(kTcp6, "127.0.0.1", 9911), std::vector<uid_t>{1000});
    EXPECT_TRUE(listener_uids_in(kTcp6, "::1", 9911).size() == 1);
}

TEST(ListenerOwner, OwnListenerIsAcceptedAndNoListenerIsNotAnError) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(fd, 1), 0);
    socklen_t len = sizeof a;
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
    const int port = ntohs(a.sin_port);
    auto uids = listener_uids("127.0.0.1", port);
    ASSERT_TRUE(uids) << uids.error().message;
    EXPECT_EQ(*uids, std::vector<uid_t>{::getuid()});
    EXPECT_TRUE(check_listener_owner("127.0.0.1", port, ::getuid()));
    // Someone else's uid: refused, naming the owner.
    auto refused = check_listener_owner("127.0.0.1", port, ::getuid() + 1);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("hijack"), std::string::npos);
    EXPECT_NE(refused.error().message.find("uid " + std::to_string(::getuid())), std::string::npos);
    ::close(fd);
    EXPECT_TRUE(check_listener_owner("127.0.0.1", port, ::getuid() + 1));  // nobody listens
}

}  // namespace
}  // namespace ssocred::cli
