// Pure units: CIDR, Host check, Authorization parsing, IMDS tokens, metrics, listen addresses,
// peer identity.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "serve/browser_guard.hpp"
#include "serve/cidr.hpp"
#include "serve/container_handler.hpp"
#include "serve/imds_tokens.hpp"
#include "serve/json_error.hpp"
#include "serve/listener.hpp"
#include "serve/metrics.hpp"
#include "serve/peer_identity.hpp"
#include "serve_test_support.hpp"

namespace ssocred::serve::test {
namespace {

using namespace std::chrono_literals;
namespace ip = boost::asio::ip;

TEST(Cidr, ParsesAndMatches) {
    auto a = Cidr::parse("172.17.0.0/16");
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->contains(ip::make_address("172.17.5.9")));
    EXPECT_FALSE(a->contains(ip::make_address("172.18.0.1")));
    EXPECT_TRUE(a->contains(ip::make_address("::ffff:172.17.0.2")));  // v4-mapped
    EXPECT_FALSE(a->contains(ip::make_address("fd00::1")));
    auto b = Cidr::parse("fd00::/8");
    ASSERT_TRUE(b);
    EXPECT_TRUE(b->contains(ip::make_address("fd12::1")));
    EXPECT_FALSE(b->contains(ip::make_address("fe80::1")));
    auto host = Cidr::parse("10.1.2.3");
    ASSERT_TRUE(host);
    EXPECT_TRUE(host->contains(ip::make_address("10.1.2.3")));
    EXPECT_FALSE(host->contains(ip::make_address("10.1.2.4")));
    auto all = Cidr::parse("0.0.0.0/0");
    ASSERT_TRUE(all);
    EXPECT_TRUE(all->contains(ip::make_address("8.8.8.8")));
    EXPECT_EQ(Cidr::parse("192.168.0.0/24")->to_string(), "192.168.0.0/24");
    EXPECT_TRUE(Cidr::parse("fd00:ec2::23/128"));
    for (const char* bad : {"", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "10.1.0.0/8",
                            "fd00::/129", "nonsense/8", "10.0.0.0/8/8", "fd00::1/8"}) {
        EXPECT_FALSE(Cidr::parse(bad)) << bad;
    }
}

TEST(Cidr, EdgesOfTheRanges) {
    // The first and last address of a range are inside it (no "hosts only" rule).
    auto v4 = Cidr::parse("192.168.4.0/22");
    ASSERT_TRUE(v4);
    EXPECT_TRUE(v4->contains(ip::make_address("192.168.4.0")));
    EXPECT_TRUE(v4->contains(ip::make_address("192.168.7.255")));
    EXPECT_FALSE(v4->contains(ip::make_address("192.168.8.0")));
    EXPECT_FALSE(v4->contains(ip::make_address("192.168.3.255")));
    // /0 of one family is everything of that family, nothing of the other.
    auto all_v6 = Cidr::parse("::/0");
    ASSERT_TRUE(all_v6);
    EXPECT_TRUE(all_v6->contains(ip::make_address("2001:db8::1")));
    EXPECT_FALSE(all_v6->contains(ip::make_address("10.0.0.1")));
    EXPECT_FALSE(all_v6->contains(ip::make_address("::ffff:10.0.0.1")));  // an IPv4 peer
    EXPECT_FALSE(Cidr::parse("0.0.0.0/0")->contains(ip::make_address("::1")));
    // A prefix not on a byte boundary, IPv6.
    auto odd = Cidr::parse("2001:db8:8000::/33");
    ASSERT_TRUE(odd);
    EXPECT_TRUE(odd->contains(ip::make_address("2001:db8:ffff::1")));
    EXPECT_FALSE(odd->contains(ip::make_address("2001:db8:7fff::1")));
    EXPECT_FALSE(Cidr::parse("2001:db8:8000::/32"));  // host bits below /32
    // A link-local peer carries its interface's scope id; the range matches it anyway.
    auto link_local = Cidr::parse("fe80::/10");
    ASSERT_TRUE(link_local);
    ip::address_v6 scoped = ip::make_address_v6("fe80::1");
    scoped.scope_id(2);
    EXPECT_TRUE(link_local->contains(ip::address(scoped)));
    // An IPv4-mapped range is the IPv4 range it spells, prefix counted in IPv4 bits.
    auto mapped = Cidr::parse("::ffff:10.0.0.0/8");
    ASSERT_TRUE(mapped);
    EXPECT_EQ(mapped->to_string(), "10.0.0.0/8");
    EXPECT_TRUE(mapped->contains(ip::make_address("10.9.8.7")));
    EXPECT_TRUE(mapped->contains(ip::make_address("::ffff:10.9.8.7")));
    EXPECT_FALSE(Cidr::parse("::ffff:10.0.0.0/104"));
    EXPECT_EQ(Cidr::parse("fd00::/8")->to_string(), "fd00::/8");
    EXPECT_EQ(Cidr::parse("10.1.2.3")->to_string(), "10.1.2.3/32");
    EXPECT_EQ(Cidr::parse("::1")->to_string(), "::1/128");
    for (const char* bad : {"10.0.0.0/-1", "10.0.0.0/ 8", "10.0.0.0/65544", "/8", "10.0.0/8"})
        EXPECT_FALSE(Cidr::parse(bad)) << bad;
    // any_contains: one of several ranges is enough; none is nothing.
    std::vector<Cidr> ranges{*Cidr::parse("10.0.0.0/8"), *Cidr::parse("fd00::/8")};
    EXPECT_TRUE(any_contains(ranges, ip::make_address("fd00::5")));
    EXPECT_FALSE(any_contains(ranges, ip::make_address("11.0.0.1")));
    EXPECT_FALSE(any_contains({}, ip::make_address("10.0.0.1")));
}

TEST(Cidr, Loopback) {
    EXPECT_TRUE(is_loopback(ip::make_address("127.0.0.1")));
    EXPECT_TRUE(is_loopback(ip::make_address("127.3.2.1")));
    EXPECT_TRUE(is_loopback(ip::make_address("::1")));
    EXPECT_TRUE(is_loopback(ip::make_address("::ffff:127.0.0.1")));
    EXPECT_FALSE(is_loopback(ip::make_address("10.0.0.1")));
}

TEST(BrowserGuard, HostAllowed) {
    for (const char* good : {"127.0.0.1", "127.0.0.1:1", "localhost", "Localhost:65535", "[::1]",
                             "[fd00:ec2::23]:80", "169.254.170.2:8080"}) {
        EXPECT_TRUE(host_allowed(good)) << good;
    }
    for (const char* bad : {"", "example.com", "localhost.", "localhost:", "127.0.0.1:65536",
                            "[::1]x", "::1", "1.2.3", "127.0.0.1:80:80", "localhost:-1"}) {
        EXPECT_FALSE(host_allowed(bad)) << bad;
    }
}

TEST(ContainerAuth, AuthorizationForms) {
    EXPECT_EQ(authorization_token("abc"), "abc");
    EXPECT_EQ(authorization_token("Bearer abc"), "abc");
    EXPECT_EQ(authorization_token("bearer  abc "), "abc");
    EXPECT_EQ(authorization_token("Bearer "), "Bearer");  // nothing after: not a bearer form
}

TEST(ImdsTokensTest, ExpiryAndBound) {
    ManualClock clock(std::chrono::system_clock::now());
    ImdsTokens tokens(clock, 8);
    const std::string t = tokens.issue(10s);
    EXPECT_TRUE(tokens.valid(t));
    EXPECT_FALSE(tokens.valid(t.substr(0, t.size() - 1) + (t.back() == 'A' ? "B" : "A")));
    EXPECT_FALSE(tokens.valid(""));
    clock.advance(9s);
    EXPECT_TRUE(tokens.valid(t));
    clock.advance(1s);
    EXPECT_FALSE(tokens.valid(t));
    for (int i = 0; i < 100; ++i) (void)tokens.issue(3600s);
    EXPECT_LE(tokens.size(), 8u);
    const std::string last = tokens.issue(3600s);
    EXPECT_TRUE(tokens.valid(last));
}

TEST(MetricsTest, RendersPrometheus) {
    Metrics m;
    m.count_request(EndpointKind::Container, 200);
    m.count_request(EndpointKind::Container, 200);
    m.count_request(EndpointKind::Imds, 401);
    m.set("ssocred_cached_roles", {}, 3);
    m.set("ssocred_credentials_ttl_seconds", {{"account_id", "1"}, {"role_name", "a\"b"}}, 1800.5);
    m.add("ssocred_upstream_calls_total", {{"operation", "GetRoleCredentials"}, {"outcome", "ok"}});
    const std::string text = m.render_prometheus();
    EXPECT_NE(text.find("# TYPE ssocred_requests_total counter\n"), std::string::npos);
    EXPECT_NE(text.find("ssocred_requests_total{endpoint=\"container\",status=\"200\"} 2\n"),
              std::string::npos);
    EXPECT_NE(text.find("ssocred_requests_total{endpoint=\"imds\",status=\"401\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("# TYPE ssocred_cached_roles gauge\nssocred_cached_roles 3\n"),
              std::string::npos);
    EXPECT_NE(text.find("role_name=\"a\\\"b\"} 1800.5\n"), std::string::npos);
    EXPECT_NE(text.find("# TYPE ssocred_upstream_calls_total counter\n"), std::string::npos);
    EXPECT_EQ(m.requests(EndpointKind::Container, 200), 2u);
}

TEST(JsonError, BothSpellingsAndMapping) {
    const auto r = json_error(Error::make(ErrorCode::LoginRequired, "run \"ssocred login\""));
    EXPECT_EQ(r.status, 503u);
    EXPECT_EQ(r.content_type, "application/json");
    const auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j.at("code"), "login_required");
    EXPECT_EQ(j.at("Code"), "login_required");
    EXPECT_EQ(j.at("message"), "run \"ssocred login\"");
    EXPECT_EQ(j.at("Message"), "run \"ssocred login\"");
    EXPECT_EQ(http_status_for(ErrorCode::NotFound), 404u);
    EXPECT_EQ(http_status_for(ErrorCode::Network), 503u);
    EXPECT_EQ(http_status_for(ErrorCode::Forbidden), 403u);
    EXPECT_EQ(http_status_for(ErrorCode::Internal), 500u);
}

TEST(ListenAddress, Parses) {
    auto a = parse_listen_address("127.0.0.1:0");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->port(), 0);
    auto b = parse_listen_address("[::1]:8080");
    ASSERT_TRUE(b);
    EXPECT_TRUE(b->address().is_v6());
    EXPECT_EQ(b->port(), 8080);
    auto c = parse_listen_address("localhost:9");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->address().to_string(), "127.0.0.1");
    for (const char* bad :
         {"127.0.0.1", "::1:80", "[::1]", "host.example:80", "127.0.0.1:70000", "1.2.3.4:x"}) {
        EXPECT_FALSE(parse_listen_address(bad)) << bad;
    }
}

TEST(RequestTest, QueryParamsAndHeaders) {
    Request r;
    r.query = "a=1&b=x%2Fy&c=hello+world&d";
    r.headers = {{"Content-Type", "x"}, {"X-A", "1"}};
    EXPECT_EQ(r.query_param("a"), "1");
    EXPECT_EQ(r.query_param("b"), "x/y");
    EXPECT_EQ(r.query_param("c"), "hello world");
    EXPECT_EQ(r.query_param("d"), "");
    EXPECT_FALSE(r.query_param("e"));
    EXPECT_EQ(r.header("content-type"), "x");
    EXPECT_FALSE(r.header("nope"));
    EXPECT_FALSE(percent_decode("%zz", false));
    EXPECT_FALSE(percent_decode("%00", false));
    EXPECT_FALSE(percent_decode("%4", false));
}

// The kernel knows who owns the client end of a loopback connection.
TEST(PeerIdentity, SockDiagFindsOurUid) {
    const int srv = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(srv, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(srv, 1), 0);
    socklen_t len = sizeof a;
    ::getsockname(srv, reinterpret_cast<sockaddr*>(&a), &len);
    const int cli = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(::connect(cli, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    sockaddr_in peer{};
    len = sizeof peer;
    const int acc = ::accept(srv, reinterpret_cast<sockaddr*>(&peer), &len);
    ASSERT_GE(acc, 0);
    sockaddr_in local{};
    len = sizeof local;
    ::getsockname(acc, reinterpret_cast<sockaddr*>(&local), &len);
    const ip::tcp::endpoint local_ep(ip::address_v4(ntohl(local.sin_addr.s_addr)),
                                     ntohs(local.sin_port));
    const ip::tcp::endpoint peer_ep(ip::address_v4(ntohl(peer.sin_addr.s_addr)),
                                    ntohs(peer.sin_port));
    auto uid = tcp_peer_uid(local_ep, peer_ep);
    if (tcp_owner_visibility() == TcpOwnerVisibility::None) {
        EXPECT_FALSE(uid);  // the portable build names no owner: every caller refuses
    } else {
        ASSERT_TRUE(uid) << uid.error().message;
        EXPECT_EQ(*uid, ::getuid());
    }
    // A 4-tuple that does not exist is not found.
    auto none = tcp_peer_uid(local_ep, ip::tcp::endpoint(peer_ep.address(), 1));
    EXPECT_FALSE(none);
    ::close(acc);
    ::close(cli);
    ::close(srv);
}

TEST(PeerIdentity, UnixPeerIsUs) {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    auto uid = unix_peer_uid(sv[0]);
    ASSERT_TRUE(uid);
    EXPECT_EQ(*uid, ::getuid());
    ::close(sv[0]);
    ::close(sv[1]);
}

}  // namespace
}  // namespace ssocred::serve::test
