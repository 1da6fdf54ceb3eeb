// The control socket transport: peer check, /healthz, dispatch to the ControlHandler.
#include <sys/stat.h>

#include "serve_test_support.hpp"

namespace ssocred::serve::test {
namespace {

TEST_F(ServeTest, ControlSocketFileModes) {
    start();
    struct stat st {};
    ASSERT_EQ(::stat(options.socket_path.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat(options.socket_path.parent_path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(ServeTest, HealthzOnControlSocket) {
    start();  // our own uid: allowed
    auto r = control(get("/healthz"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "ok");
    EXPECT_EQ(r->header("content-type"), "text/plain");
}

TEST_F(ServeTest, ControlRequestsReachTheHandler) {
    start();
    const std::string body = R"({"profile":"dev"})";
    auto r = control(
        "PUT /v1/active?wait=5&x=a%20b HTTP/1.1\r\nHost: localhost\r\nX-Test: hi\r\n"
        "Content-Type: application/json\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, R"({"path":"/v1/active"})");
    EXPECT_EQ(r->header("x-handled"), "yes");
    std::lock_guard lock(control_handler.mutex);
    ASSERT_EQ(control_handler.seen.size(), 1u);
    const auto& s = control_handler.seen[0];
    EXPECT_EQ(s.method, "PUT");
    EXPECT_EQ(s.path, "/v1/active");
    EXPECT_EQ(s.query, "wait=5&x=a%20b");
    EXPECT_EQ(s.wait, "5");
    EXPECT_EQ(s.body, body);
    EXPECT_EQ(s.header_x, "hi");
    EXPECT_GE(metrics.requests(EndpointKind::Control, 200), 1u);
}

TEST_F(ServeTest, ControlResponderFromAnotherThreadLater) {
    control_handler.answer_from_thread = true;
    start();
    Conn c = Conn::unix_socket(options.socket_path);
    ASSERT_TRUE(c.ok());
    for (int i = 0; i < 3; ++i) {  // keep-alive across deferred answers
        c.send(get("/v1/login/abc?wait=1"));
        auto r = c.read();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 200);
        EXPECT_EQ(r->body, R"({"path":"/v1/login/abc"})");
    }
}

TEST_F(ServeTest, ControlResponderDroppedOnAnotherThreadClosesTheConnection) {
    // The responder owns the connection; dropped unanswered on a worker thread, the
    // connection is released on the loop (TSan checks the "on the loop" part) and closes.
    control_handler.drop_on_thread = true;
    start();
    Conn c = Conn::unix_socket(options.socket_path);
    ASSERT_TRUE(c.ok());
    c.send(get("/v1/status"));
    EXPECT_TRUE(c.closed_within(5000));
    // The server keeps serving.
    Conn d = Conn::unix_socket(options.socket_path);
    ASSERT_TRUE(d.ok());
    d.send(get("/healthz"));
    auto r = d.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
}

TEST_F(ServeTest, ControlBodyLimit) {
    start();
    const std::string body(70 * 1024, 'x');
    auto r = control("POST /v1/login HTTP/1.1\r\nHost: localhost\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n" + body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
}

TEST_F(ServeTest, ControlPathsAreNotOnTcp) {
    start();
    auto r = request(get("/healthz"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404);
    std::lock_guard lock(control_handler.mutex);
    EXPECT_TRUE(control_handler.seen.empty());
}

TEST_F(ServeTest, StaleSocketFileIsReplacedLiveOneRefused) {
    start();
    // A second server on the same path while the first is alive is refused.
    ServerOptions o2 = options;
    o2.listen = {"127.0.0.1:0"};
    Server second(io, o2, source, *tokens, control_handler, metrics);
    auto r = second.start();
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("already"), std::string::npos);
}

}  // namespace
}  // namespace ssocred::serve::test
