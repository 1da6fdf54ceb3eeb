#include <map>

#include <gtest/gtest.h>

#include "sso/proxy.hpp"
#include "sso/url.hpp"

namespace ssocred::sso {
namespace {

TEST(BaseUrl, ParsesSchemeHostPortPrefix) {
    auto u = parse_base_url("http://127.0.0.1:9/oidc/");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->scheme, "http");
    EXPECT_EQ(u->host, "127.0.0.1");
    EXPECT_EQ(u->port, 9);
    EXPECT_EQ(u->path_prefix, "/oidc");
    EXPECT_EQ(u->origin(), "http://127.0.0.1:9");
    auto d = parse_base_url("HTTPS://OIDC.us-east-1.amazonaws.com");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->port, 443);
    EXPECT_EQ(d->origin(), "https://oidc.us-east-1.amazonaws.com");
    EXPECT_EQ(d->scheme_host_port(), "https://oidc.us-east-1.amazonaws.com:443");
    auto v6 = parse_base_url("http://[::1]:8080");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->origin(), "http://[::1]:8080");
    EXPECT_FALSE(parse_base_url("ftp://x"));
    EXPECT_FALSE(parse_base_url("oidc.example.com"));
    EXPECT_FALSE(parse_base_url("https://user:pw@host"));
    EXPECT_FALSE(parse_base_url("https://host:99999"));
    EXPECT_FALSE(parse_base_url("https://host/x?y=1"));
    EXPECT_FALSE(parse_base_url("https://"));
}

TEST(Url, PercentEncodingLeavesOnlyUnreserved) {
    EXPECT_EQ(percent_encode("http://127.0.0.1:1/x y~-._"),
              "http%3A%2F%2F127.0.0.1%3A1%2Fx%20y~-._");
    EXPECT_EQ(encode_query({{"a b", "c&d"}, {"e", ""}}), "a%20b=c%26d&e=");
    EXPECT_EQ(percent_decode_lenient("a%20b+c%zz"), "a b c%zz");
}

TEST(NoProxy, MatchesLikeTheCli) {
    EXPECT_TRUE(no_proxy_matches("*", "oidc.us-east-1.amazonaws.com", 443));
    EXPECT_TRUE(no_proxy_matches("amazonaws.com", "oidc.us-east-1.amazonaws.com", 443));
    EXPECT_TRUE(no_proxy_matches(".amazonaws.com", "oidc.us-east-1.amazonaws.com", 443));
    EXPECT_TRUE(no_proxy_matches("*.amazonaws.com", "oidc.us-east-1.amazonaws.com", 443));
    EXPECT_TRUE(no_proxy_matches("foo, AMAZONAWS.COM ", "oidc.us-east-1.amazonaws.com", 443));
    EXPECT_TRUE(no_proxy_matches("example.com", "example.com", 443));
    EXPECT_FALSE(no_proxy_matches("example.com", "notexample.com", 443));
    EXPECT_FALSE(no_proxy_matches("", "example.com", 443));
    EXPECT_TRUE(no_proxy_matches("example.com:443", "example.com", 443));
    EXPECT_FALSE(no_proxy_matches("example.com:8443", "example.com", 443));
    EXPECT_TRUE(no_proxy_matches("10.0.0.0/8", "10.1.2.3", 443));
    EXPECT_FALSE(no_proxy_matches("10.0.0.0/8", "11.1.2.3", 443));
    EXPECT_TRUE(no_proxy_matches("192.168.1.5", "192.168.1.5", 80));
    EXPECT_TRUE(no_proxy_matches("fd00::/8", "fd00::1", 80));
}

// The ranges go through the parser --allow-cidr uses (ssocred/cidr.hpp), with NO_PROXY's
// own leniency: host bits are ignored, and an entry that is no range matches nothing.
TEST(NoProxy, RangesAndAddresses) {
    EXPECT_TRUE(no_proxy_matches("10.0.0.0/8", "10.255.255.255", 443));
    EXPECT_TRUE(no_proxy_matches("10.1.2.3/8", "10.9.9.9", 443));  // host bits ignored
    EXPECT_FALSE(no_proxy_matches("10.0.0.0/8", "[fd00::1]", 443));
    EXPECT_TRUE(no_proxy_matches("::1/128", "::1", 443));
    EXPECT_TRUE(no_proxy_matches("::1/128", "[::1]", 443));
    EXPECT_FALSE(no_proxy_matches("::1/128", "::2", 443));
    EXPECT_TRUE(no_proxy_matches("[fd00::]/8", "fd12::1", 443));
    EXPECT_TRUE(no_proxy_matches("0.0.0.0/0", "203.0.113.9", 443));
    // A v4-mapped IPv6 host is the IPv4 address it stands for.
    EXPECT_TRUE(no_proxy_matches("10.0.0.0/8", "::ffff:10.1.2.3", 443));
    // Bad prefixes and addresses: the entry matches nothing, the rest of the list still counts.
    for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8x", "::1/129",
                            "10.0.0/8", "nohost/8"}) {
        EXPECT_FALSE(no_proxy_matches(bad, "10.0.0.1", 443)) << bad;
        EXPECT_TRUE(no_proxy_matches(std::string(bad) + ",10.0.0.0/8", "10.0.0.1", 443)) << bad;
    }
    // Host names, addresses and ranges mixed in one list.
    const std::string mixed = "internal.example, 192.168.1.5 ,10.0.0.0/8 fd00::/8,.corp";
    EXPECT_TRUE(no_proxy_matches(mixed, "api.internal.example", 443));
    EXPECT_TRUE(no_proxy_matches(mixed, "host.corp", 443));
    EXPECT_TRUE(no_proxy_matches(mixed, "192.168.1.5", 443));
    EXPECT_TRUE(no_proxy_matches(mixed, "10.20.30.40", 443));
    EXPECT_TRUE(no_proxy_matches(mixed, "fd00::7", 443));
    EXPECT_FALSE(no_proxy_matches(mixed, "192.168.1.6", 443));
    EXPECT_FALSE(no_proxy_matches(mixed, "oidc.us-east-1.amazonaws.com", 443));
    // A range never matches a host name, whatever its digits.
    EXPECT_FALSE(no_proxy_matches("10.0.0.0/8", "10.example", 443));
    // Address entries with a port match that port only.
    EXPECT_TRUE(no_proxy_matches("10.0.0.1:8443", "10.0.0.1", 8443));
    EXPECT_FALSE(no_proxy_matches("10.0.0.1:8443", "10.0.0.1", 443));
    EXPECT_TRUE(no_proxy_matches("[::1]:443", "::1", 443));
}

TEST(NoProxy, LoopbackHosts) {
    EXPECT_TRUE(is_loopback_host("localhost"));
    EXPECT_TRUE(is_loopback_host("LOCALHOST"));
    EXPECT_TRUE(is_loopback_host("app.localhost"));
    EXPECT_TRUE(is_loopback_host("127.0.0.1"));
    EXPECT_TRUE(is_loopback_host("127.8.9.10"));
    EXPECT_TRUE(is_loopback_host("::1"));
    EXPECT_TRUE(is_loopback_host("[::1]"));
    EXPECT_FALSE(is_loopback_host("10.0.0.1"));
    EXPECT_FALSE(is_loopback_host("::2"));
    EXPECT_FALSE(is_loopback_host("localhost.example"));
}

TEST(Proxy, SelectionFromEnvironment) {
    std::map<std::string, std::string> vars{{"HTTPS_PROXY", "http://user:p%40ss@proxy.corp:3128"},
                                            {"HTTP_PROXY", "proxy-plain:8080"},
                                            {"NO_PROXY", "internal.corp"}};
    ProxyEnv env = [&](const char* n) -> std::optional<std::string> {
        auto it = vars.find(n);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
    auto p = proxy_for("https", "oidc.us-east-1.amazonaws.com", 443, env);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->host, "proxy.corp");
    EXPECT_EQ(p->port, 3128);
    EXPECT_EQ(p->username, "user");
    EXPECT_EQ(p->password, "p@ss");
    EXPECT_EQ(p->display(), "proxy.corp:3128");
    auto h = proxy_for("http", "emulator.example", 80, env);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->host, "proxy-plain");
    EXPECT_FALSE(proxy_for("https", "sso.internal.corp", 443, env));
    EXPECT_FALSE(proxy_for("https", "127.0.0.1", 443, env));  // loopback is never proxied
    EXPECT_FALSE(proxy_for("https", "localhost", 443, env));
    EXPECT_FALSE(proxy_for("https", "::1", 443, env));
    vars["https_proxy"] = "http://lower:1";  // lower case wins, as in urllib
    EXPECT_EQ(proxy_for("https", "x.example", 443, env)->host, "lower");
    vars.erase("HTTPS_PROXY");
    vars.erase("https_proxy");
    EXPECT_FALSE(proxy_for("https", "x.example", 443, env));
}

}  // namespace
}  // namespace ssocred::sso
