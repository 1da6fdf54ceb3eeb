// HTTP behaviour shared by every endpoint: limits, timeouts, keep-alive, pipelining, browser
// defence, many connections, draining.
#include <sys/resource.h>

#include <nlohmann/json.hpp>

#include "serve_test_support.hpp"

namespace ssocred::serve::test {
namespace {

using namespace std::chrono_literals;

std::string auth_header(const std::string& t) {
    return "Authorization: " + t + "\r\n";
}

TEST_F(ServeTest, OversizedHeaderIs431) {
    start();
    const std::string big = "X-Big: " + std::string(9000, 'a') + "\r\n";
    auto r = request(get("/v1/credentials", big));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
    EXPECT_EQ(r->header("content-type"), "application/json");
    EXPECT_EQ(r->header("connection"), "close");
}

TEST_F(ServeTest, MalformedRequestIs400) {
    start();
    for (const std::string& raw :
         {std::string("HELLO\r\n\r\n"), std::string("GET /x HTTP/9.9\r\n\r\n"),
          std::string("GET http://evil/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
          std::string("GET / HTTP/1.1\r\nBad Header\r\n\r\n")}) {
        auto r = request(raw);
        ASSERT_TRUE(r) << raw;
        EXPECT_EQ(r->status, 400) << raw;
        EXPECT_FALSE(nlohmann::json::parse(r->body, nullptr, false).is_discarded());
    }
}

TEST_F(ServeTest, BodyOnHttpEndpointIs413) {
    start();
    auto r =
        request(get("/latest/api/token", "Content-Length: 100\r\n", "PUT") + std::string(100, 'x'));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
}

TEST_F(ServeTest, KeepAliveServesSeveralRequests) {
    start();
    Conn c = Conn::tcp(port);
    for (int i = 0; i < 5; ++i) {
        c.send(get("/v1/credentials", auth_header(token())));
        auto r = c.read();
        ASSERT_TRUE(r) << i;
        EXPECT_EQ(r->status, 200);
        EXPECT_EQ(r->header("connection"), "");
    }
}

TEST_F(ServeTest, PipelinedRequestsAnsweredInOrder) {
    source.async = true;  // the first answer comes later than the others could
    start();
    Conn c = Conn::tcp(port);
    c.send(get("/v1/profiles/dev/credentials", auth_header(token())) +
           get("/v1/nothing", auth_header(token())) +
           get("/v1/profiles/ops/credentials", auth_header(token())));
    auto a = c.read();
    auto b = c.read();
    auto d = c.read();
    ASSERT_TRUE(a && b && d);
    EXPECT_EQ(a->body, source.creds["111111111111/Dev"]->container_json);
    EXPECT_EQ(b->status, 404);
    EXPECT_EQ(d->body, source.creds["222222222222/Ops"]->container_json);
}

TEST_F(ServeTest, ConnectionCloseHonoured) {
    start();
    Conn c = Conn::tcp(port);
    c.send(get("/v1/credentials", auth_header(token()) + "Connection: close\r\n"));
    auto r = c.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->header("connection"), "close");
    EXPECT_TRUE(c.closed_within(3000));
}

TEST_F(ServeTest, SlowlorisHeaderTimeout) {
    options.limits.header_timeout = 300ms;
    start();
    Conn c = Conn::tcp(port);
    c.send("GET /v1/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\n");  // never finished
    EXPECT_TRUE(c.closed_within(5000));
}

TEST_F(ServeTest, IdleKeepAliveTimeout) {
    options.limits.idle_timeout = 300ms;
    start();
    Conn c = Conn::tcp(port);
    c.send(get("/v1/credentials", auth_header(token())));
    ASSERT_TRUE(c.read());
    EXPECT_TRUE(c.closed_within(5000));
}

TEST_F(ServeTest, HostMustBeAnIpLiteralOrLocalhost) {
    start();
    const auto with_host = [&](const std::string& host) {
        return request("GET /v1/credentials HTTP/1.1\r\nHost: " + host + "\r\n" +
                       auth_header(token()) + "\r\n");
    };
    for (const char* good : {"127.0.0.1", "127.0.0.1:8080", "localhost", "LOCALHOST:1", "[::1]",
                             "[::1]:80", "169.254.170.2"}) {
        auto r = with_host(good);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 200) << good;
    }
    for (const char* bad : {"evil.example.com", "evil.example.com:80", "localhost.evil.com",
                            "127.0.0.1.nip.io", "[::1", "127.0.0.1:99999", "::1"}) {
        auto r = with_host(bad);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 403) << bad;
    }
}

TEST_F(ServeTest, BrowserHeadersRefused) {
    start();
    for (const char* h : {"Origin: http://evil.example\r\n", "Referer: http://evil.example/\r\n",
                          "Sec-Fetch-Site: cross-site\r\n", "Sec-Fetch-Site: same-site\r\n"}) {
        auto r = request(get("/v1/credentials", auth_header(token()) + h));
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 403) << h;
        EXPECT_EQ(r->header("access-control-allow-origin"), "");
    }
    for (const char* h : {"Sec-Fetch-Site: none\r\n", "Sec-Fetch-Site: same-origin\r\n"}) {
        auto r = request(get("/v1/credentials", auth_header(token()) + h));
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 200) << h;
    }
    // IMDS too.
    auto imds =
        request(get("/latest/api/token",
                    "X-aws-ec2-metadata-token-ttl-seconds: 60\r\nOrigin: http://x\r\n", "PUT"));
    ASSERT_TRUE(imds);
    EXPECT_EQ(imds->status, 403);
}

TEST_F(ServeTest, ThousandIdleConnectionsDoNotBlockANewClient) {
    rlimit rl{};
    ::getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &rl);
    }
    const std::size_t n = std::min<std::size_t>(1000, (rl.rlim_cur - 100) / 2);
    start();
    std::vector<Conn> idle;
    idle.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        idle.push_back(Conn::tcp(port));
        ASSERT_TRUE(idle.back().ok()) << i;
        if (i % 3 == 0) idle.back().send("GET /v1/cre");  // some mid-request, most silent
    }
    auto r = request(get("/v1/credentials", auth_header(token())));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
}

TEST_F(ServeTest, ConnectionLimitAnswers503) {
    options.limits.max_connections = 3;
    start();
    std::vector<Conn> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(Conn::tcp(port));
        held.back().send(get("/v1/credentials", auth_header(token())));
        ASSERT_TRUE(held.back().read());  // accepted and served: the session is live
    }
    Conn extra = Conn::tcp(port);
    auto r = extra.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
    held.clear();
    // Capacity comes back once the others are gone.
    bool served = false;
    for (int i = 0; i < 50 && !served; ++i) {
        auto again = request(get("/v1/credentials", auth_header(token())));
        served = again && again->status == 200;
        if (!served) std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(served);
}

TEST_F(ServeTest, StopDrainsAndRemovesSocket) {
    start();
    Conn idle = Conn::tcp(port);
    idle.send(get("/v1/credentials", auth_header(token())));
    ASSERT_TRUE(idle.read());
    ASSERT_TRUE(std::filesystem::exists(options.socket_path));
    boost::asio::post(io, [this] { server->stop(); });
    EXPECT_TRUE(idle.closed_within(3000));
    for (int i = 0; i < 100 && std::filesystem::exists(options.socket_path); ++i) {
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_FALSE(std::filesystem::exists(options.socket_path));
    EXPECT_FALSE(Conn::tcp(port).ok());
}

TEST_F(ServeTest, NonLoopbackListenNeedsAllowCidr) {
    options.listen = {"0.0.0.0:0"};
    Server s(io, options, source, *tokens, control_handler, metrics);
    auto r = s.start();
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::Invalid);
    EXPECT_NE(r.error().message.find("--allow-cidr"), std::string::npos);
}

TEST_F(ServeTest, Ipv6AndSeveralListeners) {
    options.listen = {"127.0.0.1:0", "[::1]:0"};
    options.socket_path.clear();
    start();
    ASSERT_EQ(bound.http.size(), 2u);
    EXPECT_EQ(bound.http[0].address, "127.0.0.1");
    EXPECT_NE(bound.http[0].port, 0);
    EXPECT_EQ(bound.http[1].address, "::1");
    EXPECT_TRUE(bound.control_socket.empty());
}

}  // namespace
}  // namespace ssocred::serve::test
