// Server::stop(on_drained): the server says when its last connection has closed, so the
// daemon stops its loop then instead of waiting out a timer.
#include <future>
#include <thread>

#include "serve_test_support.hpp"

namespace ssocred::serve::test {
namespace {

// Stops the server on its loop; the future is ready once on_drained ran.
std::future<void> stop_on_loop(boost::asio::io_context& io, Server& server,
                               std::shared_ptr<std::promise<void>> drained) {
    auto done = drained->get_future();
    boost::asio::post(io, [&server, drained] { server.stop([drained] { drained->set_value(); }); });
    return done;
}

TEST_F(ServeTest, DrainedAtOnceWithNoConnection) {
    start();
    auto drained = stop_on_loop(io, *server, std::make_shared<std::promise<void>>());
    drained.wait();  // a hang here fails the test through ctest's timeout
    SUCCEED();
}

TEST_F(ServeTest, DrainedWhenTheLastConnectionCloses) {
    // The control handler answers from another thread, later: the request is in flight
    // when the server is told to stop, and the connection closes after its answer.
    control_handler.answer_from_thread = true;
    start();
    // An idle keep-alive connection: it has been served once and waits for its next request.
    // (A TCP connection that never sent anything is not the daemon's yet where the kernel
    // holds it until its request arrives: platform/connection_io.hpp.)
    Conn idle = Conn::tcp(port);
    ASSERT_TRUE(idle.ok());
    idle.send(get("/v1/credentials", auth(token())));
    const auto first = idle.read();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->status, 200);
    Conn busy = Conn::unix_socket(options.socket_path);
    ASSERT_TRUE(busy.ok());
    busy.send(get("/v1/login/abc?wait=1"));
    for (bool seen = false; !seen; std::this_thread::yield()) {  // the handler has it
        std::lock_guard lock(control_handler.mutex);
        seen = !control_handler.seen.empty();
    }
    auto drained = stop_on_loop(io, *server, std::make_shared<std::promise<void>>());
    auto answer = busy.read();
    ASSERT_TRUE(answer);  // the response in flight is still written
    EXPECT_EQ(answer->status, 200);
    EXPECT_TRUE(busy.closed_within(5000));
    EXPECT_TRUE(idle.closed_within(5000));
    drained.wait();
}

}  // namespace
}  // namespace ssocred::serve::test
