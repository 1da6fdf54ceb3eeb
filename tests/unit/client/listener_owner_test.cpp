#include "ssocred/listener_owner.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "ssocred/peer_identity.hpp"

namespace ssocred::cli {
namespace {

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
    if (tcp_owner_visibility() == TcpOwnerVisibility::None) {
        // The portable build sees no owner: nothing to name, nothing refused.
        EXPECT_TRUE(uids->empty());
        EXPECT_TRUE(check_listener_owner("127.0.0.1", port, ::getuid() + 1));
        ::close(fd);
        return;
    }
    EXPECT_EQ(*uids, std::vector<uid_t>{::getuid()});
    EXPECT_TRUE(check_listener_owner("127.0.0.1", port, ::getuid()));
    // Someone else's uid: refused, naming the owner.
    auto refused = check_listener_owner("127.0.0.1", port, ::getuid() + 1);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("hijack"), std::string::npos);
    EXPECT_NE(refused.error().message.find("uid " + std::to_string(::getuid())), std::string::npos);
    ::close(fd);
    // Nobody listens: fine where every owner is seen; unprovable where only our own are.
    EXPECT_EQ(bool(check_listener_owner("127.0.0.1", port, ::getuid() + 1)),
              tcp_owner_visibility() == TcpOwnerVisibility::AnyUser);
}

TEST(ListenerOwner, WildcardListenersCountAndGarbageIsRefused) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);  // 0.0.0.0 receives 127.0.0.1's connections
    ASSERT_GE(fd, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(fd, 1), 0);
    socklen_t len = sizeof a;
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
    const int port = ntohs(a.sin_port);
    auto uids = listener_uids("127.0.0.1", port);
    ASSERT_TRUE(uids) << uids.error().message;
    if (tcp_owner_visibility() != TcpOwnerVisibility::None) {
        EXPECT_EQ(*uids, std::vector<uid_t>{::getuid()});
        EXPECT_FALSE(check_listener_owner("127.0.0.1", port, ::getuid() + 1));
    }
    ::close(fd);
    EXPECT_FALSE(listener_uids("not-an-address", 1));
    EXPECT_FALSE(listener_uids("127.0.0.1", 70000));
}

// The other owner is named by login and uid; a uid without a user entry by its number alone.
TEST(ListenerOwner, OwnersAreNamedByUserAndUid) {
    EXPECT_EQ(user_label(0), "root (uid 0)");
    EXPECT_EQ(user_label(4'000'000'001U), "uid 4000000001");
}

}  // namespace
}  // namespace ssocred::cli
