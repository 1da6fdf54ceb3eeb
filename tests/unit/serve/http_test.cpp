// HTTP behaviour shared by every endpoint: limits, timeouts, keep-alive, pipelining, browser
// defence, many connections, draining.
#include <pwd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

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

// RFC 9112: Host exactly once in HTTP/1.1 (at most once in 1.0); a Transfer-Encoding whose
// final coding is not chunked (or chunked twice) is 400, an unknown coding 501. The
// connection closes after the refusal, so a body read as "the next request" never runs.
TEST_F(ServeTest, HostAndTransferEncodingFraming) {
    start();
    const std::string a = auth_header(token());
    const std::string no_host = "GET /v1/credentials HTTP/1.1\r\n" + a + "\r\n";
    const std::string two_hosts =
        "GET /v1/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil\r\n" + a + "\r\n";
    const std::string two_hosts_10 =
        "GET /v1/credentials HTTP/1.0\r\nHost: 127.0.0.1\r\nhost: evil\r\n" + a + "\r\n";
    const std::pair<std::string, int> cases[] = {
        {no_host, 400},
        {two_hosts, 400},
        {two_hosts_10, 400},
        {get("/v1/credentials", a + "Transfer-Encoding: chunked, gzip\r\n"), 400},
        {get("/v1/credentials", a + "Transfer-Encoding: identity\r\n"), 400},
        {get("/v1/credentials", a + "Transfer-Encoding: gzip\r\n"), 400},
        {get("/v1/credentials", a + "Transfer-Encoding: chunked, chunked\r\n"), 400},
        {get("/v1/credentials",
             a + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n"),
         400},
        {get("/v1/credentials", a + "Transfer-Encoding: gzip, chunked\r\n") + "0\r\n\r\n", 501},
        {get("/v1/credentials",
             a + "Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n") +
             "0\r\n\r\n",
         501},
    };
    for (const auto& [raw, status] : cases) {
        Conn c = Conn::tcp(port);
        // A smuggled second request behind the first must never be answered.
        c.send(raw + get("/v1/credentials", a));
        auto r = c.read();
        ASSERT_TRUE(r) << raw;
        EXPECT_EQ(r->status, status) << raw;
        EXPECT_EQ(r->header("connection"), "close") << raw;
        EXPECT_FALSE(nlohmann::json::parse(r->body, nullptr, false).is_discarded());
        EXPECT_FALSE(c.read(false, 1500)) << raw;
    }
    // Still fine: one Host; HTTP/1.0 without Host; a plain chunked body on the control socket.
    auto ok11 = request(get("/v1/credentials", a));
    ASSERT_TRUE(ok11);
    EXPECT_EQ(ok11->status, 200);
    auto ok10 = request("GET /v1/credentials HTTP/1.0\r\n" + a + "\r\n");
    ASSERT_TRUE(ok10);
    EXPECT_EQ(ok10->status, 200);
    auto chunked =
        control(get("/v1/x", "Transfer-Encoding: chunked\r\n", "POST") + "2\r\n{}\r\n0\r\n\r\n");
    ASSERT_TRUE(chunked);
    EXPECT_EQ(chunked->status, 200);
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

// Idle TCP connections (anyone on the machine can open them) used to fill the one shared
// budget and make the control socket answer 503: it has its own now.
TEST_F(ServeTest, ControlSocketHasItsOwnBudget) {
    options.limits.max_connections = 2;
    options.limits.max_control_connections = 2;
    start();
    std::vector<Conn> tcp_held;
    for (int i = 0; i < 2; ++i) {
        tcp_held.push_back(Conn::tcp(port));
        tcp_held.back().send(get("/v1/credentials", auth_header(token())));
        ASSERT_TRUE(tcp_held.back().read());
    }
    auto tcp_extra = Conn::tcp(port).read();
    ASSERT_TRUE(tcp_extra);
    EXPECT_EQ(tcp_extra->status, 503);
    // TCP full: the control socket still answers. `Connection: close`: the daemon ends that
    // connection itself, so it no longer counts when the budget is filled below.
    auto c = control(get("/v1/status", "Connection: close\r\n"));
    ASSERT_TRUE(c);
    EXPECT_EQ(c->status, 200);

    std::vector<Conn> control_held;
    for (int i = 0; i < 2; ++i) {
        control_held.push_back(Conn::unix_socket(options.socket_path));
        control_held.back().send(get("/v1/status"));
        ASSERT_TRUE(control_held.back().read());
    }
    auto control_extra = Conn::unix_socket(options.socket_path).read();
    ASSERT_TRUE(control_extra);
    EXPECT_EQ(control_extra->status, 503);
    tcp_held.clear();  // and the control socket's use leaves TCP's budget alone
    bool served = false;
    for (int i = 0; i < 50 && !served; ++i) {
        auto again = request(get("/v1/credentials", auth_header(token())));
        served = again && again->status == 200;
        if (!served) std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(served);
}

// Per-uid accounting on TCP: once other users hold the shared part of the budget, their
// next connection gets 503 while the daemon's own user is still served. Needs root (a
// child process becomes `nobody` to hold the connections).
TEST_F(ServeTest, OtherUsersCannotTakeTheWholeTcpBudget) {
    const passwd* nobody = ::getpwnam("nobody");
    if (::geteuid() != 0 || nobody == nullptr) GTEST_SKIP() << "needs root and a user nobody";
    options.limits.max_connections = 6;
    options.limits.max_other_uid_connections = 3;
    start();
    int ready[2];
    int release[2];
    ASSERT_EQ(::pipe(ready), 0);
    ASSERT_EQ(::pipe(release), 0);
    const uid_t other = nobody->pw_uid;
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // As nobody: hold 3 connections (the shared part), then try a 4th and report its
        // first response byte ('5' of 503, or 0 when nothing came), then wait.
        if (::setresgid(nobody->pw_gid, nobody->pw_gid, nobody->pw_gid) != 0 ||
            ::setresuid(other, other, other) != 0)
            ::_exit(2);
        std::vector<Conn> held;
        for (int i = 0; i < 3; ++i) held.push_back(Conn::tcp(port));
        for (auto& h : held) h.send(get("/latest/meta-data/"));
        for (auto& h : held) (void)h.read(false, 3000);  // admitted (answered 403 or 401)
        auto extra = Conn::tcp(port).read(false, 3000);
        const char status = extra ? static_cast<char>('0' + extra->status / 100) : '0';
        (void)!::write(ready[1], &status, 1);
        char b;
        (void)!::read(release[0], &b, 1);
        ::_exit(0);
    }
    ::close(ready[1]);
    ::close(release[0]);
    char other_status = 0;
    ASSERT_EQ(::read(ready[0], &other_status, 1), 1);
    EXPECT_EQ(other_status, '5');  // the fourth foreign connection: 503
    // Our own user: served, while the other user's connections are still open - where the
    // OS layer can prove the connection is ours. The portable build cannot, so once the
    // shared part is full it turns everyone away (fail closed).
    auto own = request(get("/v1/credentials", auth_header(token())));
    ASSERT_TRUE(own);
    EXPECT_EQ(own->status, tcp_owners_known() ? 200 : 503);
    (void)!::write(release[1], "x", 1);
    int status = 0;
    ::waitpid(child, &status, 0);
    ::close(ready[0]);
    ::close(release[1]);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
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
