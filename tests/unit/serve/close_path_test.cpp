// The `Connection: close` path after issue #18's work (docs/performance.md): a connection
// read at once on accept, TCP_NODELAY inherited from the listener, IMDS tokens minted from
// a block of CSPRNG output. Each test checks that the shortcut keeps the rule it shortcuts.
#include <algorithm>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <set>
#include <sys/socket.h>
#include <unistd.h>

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

// A silent new connection still gets the idle timeout (it is not held forever).
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
