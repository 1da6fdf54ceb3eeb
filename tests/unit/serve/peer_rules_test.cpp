// Who may connect over TCP: --allow-cidr for non-loopback peers, adopted (activated) sockets.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include "serve_test_support.hpp"

namespace ssocred::serve::test {
namespace {

// A non-loopback IPv4 address of this host, or "" (the test then skips).
std::string non_loopback_ipv4() {
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return {};
    std::string found;
    for (ifaddrs* i = list; i && found.empty(); i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET) continue;
        const auto* a = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
        if ((ntohl(a->sin_addr.s_addr) >> 24) == 127) continue;
        char buf[INET_ADDRSTRLEN];
        ::inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
        found = buf;
    }
    ::freeifaddrs(list);
    return found;
}

std::optional<HttpResponse> ask(const std::string& addr, unsigned short port,
                                const std::string& raw) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    ::inet_pton(AF_INET, addr.c_str(), &a.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return std::nullopt;
    }
    ::send(fd, raw.data(), raw.size(), MSG_NOSIGNAL);
    std::string buf;
    char tmp[4096];
    ssize_t n;
    while ((n = ::recv(fd, tmp, sizeof tmp, 0)) > 0) {
        buf.append(tmp, static_cast<std::size_t>(n));
        if (buf.find("\r\n\r\n") != std::string::npos) break;
    }
    ::close(fd);
    if (buf.size() < 12) return std::nullopt;
    HttpResponse r;
    r.status = std::atoi(buf.substr(9, 3).c_str());
    return r;
}

TEST_F(ServeTest, NonLoopbackPeerNeedsAllowCidr) {
    const std::string addr = non_loopback_ipv4();
    if (addr.empty()) GTEST_SKIP() << "no non-loopback IPv4 address";
    options.listen = {addr + ":0"};
    options.allow_cidrs = {"203.0.113.0/24"};  // does not cover us
    start();
    auto r = ask(addr, port, get("/v1/credentials", "Authorization: " + token() + "\r\n"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403);
}

TEST_F(ServeTest, NonLoopbackPeerInsideAllowCidr) {
    const std::string addr = non_loopback_ipv4();
    if (addr.empty()) GTEST_SKIP() << "no non-loopback IPv4 address";
    options.listen = {addr + ":0"};
    options.allow_cidrs = {addr + "/32"};
    start();
    auto r = ask(addr, port, get("/v1/credentials", "Authorization: " + token() + "\r\n"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    // IMDS carries no secret, so a peer admitted by --allow-cidr gets nothing from it: not
    // the token PUT, not a GET.
    auto put = ask(addr, port,
                   "PUT /latest/api/token HTTP/1.1\r\nHost: " + addr +
                       "\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\nContent-Length: 0\r\n\r\n");
    ASSERT_TRUE(put);
    EXPECT_EQ(put->status, 403);
    auto imds = ask(addr, port, get("/latest/meta-data/iam/security-credentials/"));
    ASSERT_TRUE(imds);
    EXPECT_EQ(imds->status, 403);
}

TEST_F(ServeTest, AdoptsActivatedSockets) {
    // What systemd would pass: a bound, listening TCP socket named "http".
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(fd, 16), 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    options.listen.clear();
    options.adopted = {{fd, "http"}};
    start();
    EXPECT_EQ(port, ntohs(a.sin_port));
    auto r = request(get("/v1/credentials", "Authorization: " + token() + "\r\n"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
}

TEST_F(ServeTest, UnknownActivatedNameRefused) {
    options.adopted = {{-1, "weird"}};
    Server s(io, options, source, *tokens, control_handler, metrics);
    auto r = s.start();
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::Invalid);
}

}  // namespace
}  // namespace ssocred::serve::test
