// The behaviour behind the serving plane's performance work (bench/, docs/performance.md):
// the lazy per-connection deadline, the close without lingering, and O(log n) eviction of
// IMDS tokens. Each test checks that the shortcut keeps the rule it shortcuts.
#include <boost/beast/http/fields.hpp>

#include "serve/imds_tokens.hpp"
#include "serve/recycling_allocator.hpp"
#include "serve_test_support.hpp"

namespace ssocred::serve::test {
namespace {

using namespace std::chrono_literals;

// The deadline only moves later on a busy keep-alive connection, so the timer fires with
// the deadline moved and must re-arm rather than close: requests spaced closer than the
// header timeout keep the connection open well past several header timeouts.
TEST_F(ServeTest, BusyKeepAliveOutlivesSeveralHeaderTimeouts) {
    options.limits.header_timeout = 200ms;
    options.limits.write_timeout = 200ms;
    options.limits.idle_timeout = 5000ms;
    start();
    Conn c = Conn::tcp(port);
    for (int i = 0; i < 12; ++i) {  // about 1.2 s: six header timeouts
        c.send(get("/v1/credentials", auth(token())));
        auto r = c.read();
        ASSERT_TRUE(r) << "request " << i;
        EXPECT_EQ(r->status, 200);
        std::this_thread::sleep_for(100ms);
    }
}

// After the lazy timer has been pushed out by earlier requests, a half-sent request still
// gets the (shorter) header timeout, not the idle timeout.
TEST_F(ServeTest, HeaderTimeoutAppliesAfterKeepAliveRequests) {
    options.limits.header_timeout = 300ms;
    options.limits.idle_timeout = 60'000ms;
    start();
    Conn c = Conn::tcp(port);
    for (int i = 0; i < 3; ++i) {
        c.send(get("/v1/credentials", auth(token())));
        ASSERT_TRUE(c.read());
    }
    c.send("GET /v1/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\n");  // never finished
    EXPECT_TRUE(c.closed_within(10'000));
}

// While the engine is working on an answer there is no deadline; the answer still goes out
// and the idle timeout applies afterwards.
TEST_F(ServeTest, IdleTimeoutAppliesAfterAnAsyncAnswer) {
    options.limits.idle_timeout = 300ms;
    options.limits.header_timeout = 200ms;
    source.async = true;
    start();
    Conn c = Conn::tcp(port);
    c.send(get("/v1/credentials", auth(token())));
    auto r = c.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_TRUE(c.closed_within(10'000));
}

// Connection: close with nothing more sent: the whole reply, then the close.
TEST_F(ServeTest, ClientRequestedCloseDeliversTheWholeReply) {
    start();
    for (int i = 0; i < 20; ++i) {
        Conn c = Conn::tcp(port);
        c.send(get("/v1/credentials", auth(token()) + "Connection: close\r\n"));
        auto r = c.read();
        ASSERT_TRUE(r) << "connection " << i;
        EXPECT_EQ(r->status, 200);
        EXPECT_EQ(r->header("connection"), "close");
        EXPECT_FALSE(r->body.empty());
        EXPECT_TRUE(c.closed_within(3000));
    }
}

// Connection: close followed by more pipelined bytes: those bytes are unread at close time,
// so the server lingers; the first reply arrives intact and the second request is not served.
TEST_F(ServeTest, CloseWithPipelinedBytesStillDeliversTheReply) {
    start();
    Conn c = Conn::tcp(port);
    c.send(get("/v1/credentials", auth(token()) + "Connection: close\r\n") +
           get("/v1/credentials", auth(token())));
    auto r = c.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("connection"), "close");
    EXPECT_FALSE(c.read(false, 3000));
}

TEST(ImdsTokensEviction, SoonestToExpireGoesFirstAtCapacity) {
    ManualClock clock(std::chrono::system_clock::now());
    ImdsTokens tokens(clock, 4);
    const std::string long_lived = tokens.issue(Seconds(21600));
    std::vector<std::string> short_lived;
    for (int i = 0; i < 3; ++i) short_lived.push_back(tokens.issue(Seconds(60 + i)));
    EXPECT_EQ(tokens.size(), 4u);
    const std::string next = tokens.issue(Seconds(3600));  // evicts the 60 s one
    EXPECT_EQ(tokens.size(), 4u);
    EXPECT_FALSE(tokens.valid(short_lived[0]));
    EXPECT_TRUE(tokens.valid(short_lived[1]));
    EXPECT_TRUE(tokens.valid(long_lived));
    EXPECT_TRUE(tokens.valid(next));
}

TEST(ImdsTokensEviction, ExpiredArePrunedBeforeLiveOnes) {
    ManualClock clock(std::chrono::system_clock::now());
    ImdsTokens tokens(clock, 4);
    const std::string a = tokens.issue(Seconds(10));
    const std::string b = tokens.issue(Seconds(10));
    const std::string keep1 = tokens.issue(Seconds(100));
    const std::string keep2 = tokens.issue(Seconds(200));
    clock.advance(std::chrono::seconds(10));  // a and b expire
    const std::string c = tokens.issue(Seconds(300));
    EXPECT_EQ(tokens.size(), 3u);  // both expired ones went, no live one did
    EXPECT_TRUE(tokens.valid(keep1));
    EXPECT_TRUE(tokens.valid(keep2));
    EXPECT_TRUE(tokens.valid(c));
    EXPECT_FALSE(tokens.valid(a));
}

TEST(ImdsTokensEviction, MintingInALoopStaysBoundedAndServesTheNewest) {
    ManualClock clock(std::chrono::system_clock::now());
    ImdsTokens tokens(clock, 64);
    std::string last;
    for (int i = 0; i < 10'000; ++i) {
        last = tokens.issue(Seconds(21600));
        clock.advance(std::chrono::milliseconds(1));
        ASSERT_LE(tokens.size(), 64u);
    }
    EXPECT_TRUE(tokens.valid(last));
}

TEST(RecyclingAllocatorTest, SizeClasses) {
    EXPECT_EQ(recycling::size_class(1), 0u);
    EXPECT_EQ(recycling::size_class(64), 0u);
    EXPECT_EQ(recycling::size_class(65), 1u);
    EXPECT_EQ(recycling::size_class(1024), 4u);
    EXPECT_EQ(recycling::size_class(1025), recycling::kClasses);
}

TEST(RecyclingAllocatorTest, FreedBlocksAreReusedAndLargeOnesAreNot) {
    RecyclingAllocator<char> a;
    char* p = a.allocate(100);
    p[0] = 'x';
    p[127] = 'y';  // the whole 128-byte class is usable
    a.deallocate(p, 100);
    char* q = a.allocate(120);  // same class: the same block comes back
    EXPECT_EQ(p, q);
    a.deallocate(q, 120);
    char* big = a.allocate(4096);
    big[4095] = 'z';
    a.deallocate(big, 4096);
}

TEST(RecyclingAllocatorTest, FreeListsAreBounded) {
    RecyclingAllocator<char> a;
    std::vector<char*> blocks;
    for (std::size_t i = 0; i < recycling::kMaxFree * 3; ++i) blocks.push_back(a.allocate(200));
    for (char* b : blocks) a.deallocate(b, 200);
    EXPECT_LE(recycling::lists().count[recycling::size_class(200)], recycling::kMaxFree);
}

// Beast's header container works with it (the session's parser uses exactly this type).
TEST(RecyclingAllocatorTest, BeastFieldsRoundTrip) {
    boost::beast::http::basic_fields<RecyclingAllocator<char>> f;
    f.set("Host", "127.0.0.1:9911");
    f.set("Authorization", std::string(300, 'a'));
    f.set("X-Long", std::string(5000, 'b'));
    EXPECT_EQ(f["Host"], "127.0.0.1:9911");
    EXPECT_EQ(f["Authorization"].size(), 300u);
    EXPECT_EQ(f["X-Long"].size(), 5000u);
    auto moved = std::move(f);
    EXPECT_EQ(moved["Host"], "127.0.0.1:9911");
}

}  // namespace
}  // namespace ssocred::serve::test
