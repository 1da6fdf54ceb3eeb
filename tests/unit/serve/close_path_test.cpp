// The `Connection: close` path after issue #18's work (docs/performance.md): a connection
// accepted with its request and served with plain system calls until it has to wait,
// TCP_NODELAY inherited from the listener, IMDS tokens minted from a block of CSPRNG output.
// Each test checks that the shortcut keeps the rule it shortcuts.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <set>
#include <sys/socket.h>
#include <unistd.h>

#include "platform/connection_io.hpp"
#include "platform/os_layer.hpp"
#include "serve/deadlines.hpp"
#include "serve/imds_tokens.hpp"
#include "serve_test_support.hpp"

namespace ssocred::serve::test {
namespace {

using namespace std::chrono_literals;

// The listener sets TCP_NODELAY once and the accepted sockets are relied on to inherit it.
// This checks the kernel behaviour itself on the machine the tests run on.
TEST(ListenerOptions, ListenerNoDelayIsInheritedByAcceptedSockets) {
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(listener, 0);
    const int one = 1;
    ASSERT_EQ(::setsockopt(listener, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one), 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
    ASSERT_EQ(::listen(listener, 4), 0);
    socklen_t len = sizeof sa;
    ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&sa), &len), 0);
    const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
    const int accepted = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    ASSERT_GE(accepted, 0);
    int value = 0;
    socklen_t vlen = sizeof value;
    ASSERT_EQ(::getsockopt(accepted, IPPROTO_TCP, TCP_NODELAY, &value, &vlen), 0);
    EXPECT_NE(value, 0);
    ::close(accepted);
    ::close(client);
    ::close(listener);
}

// Nothing sent with the handshake: the first read finds nothing, the connection waits as
// an idle one and is served when the request comes.
TEST_F(ServeTest, SilentNewConnectionIsServedWhenItSpeaks) {
    start();
    Conn c = Conn::tcp(port);
    std::this_thread::sleep_for(100ms);
    c.send(get("/v1/credentials", auth(token())));
    auto r = c.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
}

// A silent new connection still gets the idle timeout (it is not held forever). On Linux the
// kernel hands it over about a second after the handshake (TCP_DEFER_ACCEPT), then the idle
// timeout runs as for any connection waiting for its request.
TEST_F(ServeTest, SilentNewConnectionGetsTheIdleTimeout) {
    options.limits.idle_timeout = 300ms;
    start();
    Conn c = Conn::tcp(port);
    EXPECT_TRUE(c.closed_within(10'000));
}

// A half request right behind the handshake: read at once, then the header timeout applies.
TEST_F(ServeTest, HalfRequestOnANewConnectionGetsTheHeaderTimeout) {
    options.limits.header_timeout = 300ms;
    options.limits.idle_timeout = 60'000ms;
    start();
    Conn c = Conn::tcp(port);
    c.send("GET /v1/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    EXPECT_TRUE(c.closed_within(10'000));
}

// A request larger than the first read is read on by the parser; the header limit holds.
TEST_F(ServeTest, RequestsLargerThanTheFirstReadAreServedAndLimitsHold) {
    start();
    {
        Conn c = Conn::tcp(port);
        c.send(get("/v1/credentials",
                   auth(token()) + "X-Padding: " + std::string(3000, 'p') + "\r\n"));
        auto r = c.read();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 200);
    }
    {
        Conn c = Conn::tcp(port);
        c.send(get("/v1/credentials",
                   auth(token()) + "X-Padding: " + std::string(9000, 'p') + "\r\n"));
        auto r = c.read();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 431);
    }
}

// Many short connections in a row (the recycled session, buffer and head blocks are used
// again and again): every one gets its whole reply and is closed.
TEST_F(ServeTest, ManyCloseConnectionsInARowEachGetTheirReply) {
    start();
    for (int i = 0; i < 200; ++i) {
        Conn c = Conn::tcp(port);
        c.send(get(i % 2 ? "/v1/credentials" : "/nope", auth(token()) + "Connection: close\r\n"));
        auto r = c.read();
        ASSERT_TRUE(r) << "connection " << i;
        EXPECT_EQ(r->status, i % 2 ? 200 : 404);
        EXPECT_TRUE(c.closed_within(3000));
    }
}

// A listener and a connected client on loopback, for platform::accept_connection.
struct LoopbackPair {
    int listener = -1;
    int client = -1;
    LoopbackPair() {
        listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof sa;
        if (::bind(listener, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
            ::listen(listener, 4) != 0 ||
            ::getsockname(listener, reinterpret_cast<sockaddr*>(&sa), &len) != 0)
            return;
        const int flags = ::fcntl(listener, F_GETFL);
        ::fcntl(listener, F_SETFL, flags | O_NONBLOCK);
        platform::defer_accept_until_data(listener);
        client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (::connect(client, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
            ::close(client);
            client = -1;
        }
    }
    ~LoopbackPair() {
        if (client >= 0) ::close(client);
        if (listener >= 0) ::close(listener);
    }
};

// The descriptor the serving plane works on directly: non-blocking (its first read and its
// reply must never block the loop), close-on-exec, and it comes with the request already
// readable once the client has sent it. An empty listener answers EAGAIN, which is what ends
// the accept loop's batch.
TEST(ConnectionIo, AcceptedWithTheRequestNonBlockingAndCloseOnExec) {
    LoopbackPair pair;
    ASSERT_GE(pair.client, 0);
    const std::string request = "GET / HTTP/1.1\r\n\r\n";
    ASSERT_EQ(::send(pair.client, request.data(), request.size(), 0),
              static_cast<ssize_t>(request.size()));
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    int fd = -1;
    for (int i = 0; i < 200 && fd < 0; ++i) {  // loopback delivers at once; allow a slow CI
        fd = platform::accept_connection(pair.listener, reinterpret_cast<sockaddr*>(&peer), &len);
        if (fd < 0) std::this_thread::sleep_for(10ms);
    }
    ASSERT_GE(fd, 0) << std::strerror(errno);
    EXPECT_EQ(peer.ss_family, AF_INET);
    EXPECT_NE(::fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
    EXPECT_NE(::fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
    char buf[64];
    EXPECT_EQ(::recv(fd, buf, sizeof buf, 0), static_cast<ssize_t>(request.size()));
    EXPECT_EQ(::recv(fd, buf, sizeof buf, 0), -1);  // nothing more, and no blocking
    EXPECT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK);
    EXPECT_EQ(platform::accept_connection(pair.listener, nullptr, nullptr), -1);
    EXPECT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK);
    ::close(fd);
}

// Linux holds a connection until its first bytes arrive (TCP_DEFER_ACCEPT): a silent client
// is not the daemon's yet, so it takes no session and no part of the connection budget
// until it speaks (or about a second has passed; SilentNewConnectionGetsTheIdleTimeout).
TEST(ConnectionIo, LinuxHoldsASilentConnectionUntilItSpeaks) {
    if (platform::os_layer() != "linux") GTEST_SKIP() << "only the Linux layer defers accept";
    LoopbackPair pair;
    ASSERT_GE(pair.client, 0);
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(platform::accept_connection(pair.listener, nullptr, nullptr), -1);
    EXPECT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK);
    ASSERT_EQ(::send(pair.client, "G", 1, 0), 1);
    int fd = -1;
    for (int i = 0; i < 200 && fd < 0; ++i) {
        fd = platform::accept_connection(pair.listener, nullptr, nullptr);
        if (fd < 0) std::this_thread::sleep_for(10ms);
    }
    EXPECT_GE(fd, 0);
    if (fd >= 0) ::close(fd);
}

// A reply larger than what the socket takes at once (here 4 MiB to a client that reads
// late): the first send writes what fits, the connection is handed to the reactor and the
// rest follows, byte for byte.
TEST_F(ServeTest, AReplyLargerThanTheSendBufferArrivesWhole) {
    constexpr std::size_t kPad = 4 * 1024 * 1024;
    control_handler.pad_body = kPad;
    start();
    Conn c = Conn::unix_socket(options.socket_path);
    ASSERT_TRUE(c.ok());
    c.send(get("/v1/active", "Connection: close\r\n"));
    std::this_thread::sleep_for(200ms);  // the server's first send has filled the buffer
    auto r = c.read(false, 10000);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body.size(), std::string(R"({"path":"/v1/active"})").size() + kPad);
    EXPECT_TRUE(c.closed_within(3000));
}

// A request that arrives while the previous one's answer is being computed elsewhere (here
// on another thread, 50 ms later) is served as soon as that answer is out, not after the
// idle timeout: the readiness the reactor saw while nothing waited for it is not lost (asio
// re-arms the descriptor, EPOLL_CTL_MOD, when the next wait starts).
TEST_F(ServeTest, ARequestSentDuringALaterAnswerIsServedAtOnce) {
    control_handler.answer_from_thread = true;
    start();
    Conn c = Conn::unix_socket(options.socket_path);
    ASSERT_TRUE(c.ok());
    std::this_thread::sleep_for(200ms);  // accepted before it spoke: it waits in the reactor
    c.send(get("/v1/active"));
    for (bool seen = false; !seen; std::this_thread::yield()) {  // the handler has it
        std::lock_guard lock(control_handler.mutex);
        seen = !control_handler.seen.empty();
    }
    c.send(get("/v1/status"));  // while the first answer is 50 ms away
    // Well under the idle timeout (10 s), after which the connection would close instead.
    const auto first = c.read(false, 3000);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->body, R"({"path":"/v1/active"})");
    const auto second = c.read(false, 3000);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->body, R"({"path":"/v1/status"})");
}

struct RecordingOwner final : Deadlines::Owner {
    explicit RecordingOwner(std::vector<int>& log, int id) : log_(log), id_(id) {}
    void deadline_passed() override { log_.push_back(id_); }
    std::vector<int>& log_;
    int id_;
};

// Deadlines pass in time order whatever their lanes, a cleared one never passes, a moved one
// passes at its new time, and once all have passed nothing keeps the loop busy.
TEST(DeadlinesTest, PassInOrderAcrossLanesAndClearedOnesNever) {
    boost::asio::io_context io;
    Deadlines d(io, {600ms, 400ms, 1200ms, 200ms});  // header, write, idle, linger
    std::vector<int> passed;
    RecordingOwner o1(passed, 1), o2(passed, 2), o3(passed, 3), o4(passed, 4);
    Deadlines::Entry e1(o1), e2(o2), e3(o3), e4(o4);
    d.set(e1, Deadlines::Lane::Linger);  // 200 ms, then moved to the idle lane: 1200 ms
    d.set(e2, Deadlines::Lane::Header);  // 600 ms
    d.set(e3, Deadlines::Lane::Linger);  // 200 ms
    d.set(e4, Deadlines::Lane::Write);   // 400 ms, cleared
    d.set(e1, Deadlines::Lane::Idle);
    d.clear(e4);
    EXPECT_EQ(d.pending(), 3u);
    io.run();  // returns once nothing is pending
    EXPECT_EQ(passed, (std::vector<int>{3, 2, 1}));
    EXPECT_EQ(d.pending(), 0u);
    EXPECT_FALSE(e1.pending());
}

// Once draining, nothing pending means no timer armed: the loop runs out of work.
TEST(DeadlinesTest, DrainedWithNothingPendingLeavesTheLoopNoWork) {
    boost::asio::io_context io;
    Deadlines d(io, {60'000ms, 60'000ms, 60'000ms, 60'000ms});
    std::vector<int> passed;
    RecordingOwner o(passed, 1);
    {
        Deadlines::Entry e(o);
        d.set(e, Deadlines::Lane::Idle);
    }  // an entry unlinks itself when destroyed
    d.drain();
    io.run_for(5'000ms);
    EXPECT_TRUE(io.stopped());  // ran out of work: no wait left for the 60 s deadline
    EXPECT_TRUE(passed.empty());
}

TEST(ImdsTokensMinting, TokensAreBase64UrlOfTheRightLengthAndDistinct) {
    ManualClock clock(std::chrono::system_clock::now());
    ImdsTokens tokens(clock, 1000);
    std::set<std::string> seen;
    for (int i = 0; i < 600; ++i) {  // several 4 KiB blocks of random bytes
        const std::string t = tokens.issue(Seconds(60));
        ASSERT_EQ(t.size(), ImdsTokens::kTokenLength);
        EXPECT_TRUE(std::all_of(t.begin(), t.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_';
        })) << t;
        EXPECT_TRUE(tokens.valid(t));
        EXPECT_TRUE(seen.insert(t).second);
    }
}

TEST(ImdsTokensMinting, AChangedSecretIsRefused) {
    ManualClock clock(std::chrono::system_clock::now());
    ImdsTokens tokens(clock);
    std::string t = tokens.issue(Seconds(60));
    ASSERT_TRUE(tokens.valid(t));
    t.back() = t.back() == 'A' ? 'B' : 'A';
    EXPECT_FALSE(tokens.valid(t));
    EXPECT_FALSE(tokens.valid(t.substr(0, ImdsTokens::kKeyLength + 1)));
}

}  // namespace
}  // namespace ssocred::serve::test
