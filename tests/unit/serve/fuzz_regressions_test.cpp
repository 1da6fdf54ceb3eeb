// Inputs the http_server fuzz target found (fuzz/regressions/http_server/), sent to a real
// Server the way the target sends them: byte 0 picks the transport (even = TCP), the rest
// goes on one connection.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "serve_test_support.hpp"

namespace ssocred::serve::test {
namespace {

std::string reproducer(const std::string& name) {
    const auto path =
        std::filesystem::path(SSOCRED_SOURCE_DIR) / "fuzz" / "regressions" / "http_server" / name;
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    const std::string text = s.str();
    EXPECT_FALSE(text.empty()) << "missing reproducer " << path;
    return text.empty() ? text : text.substr(1);
}

using FuzzRegressions = ServeTest;

// Eight path segments and a trailing slash made split_path write one element past its
// 8-element stack array - before any token check. Now it is an unknown path.
TEST_F(FuzzRegressions, ContainerPathOfEightSegmentsAndTrailingSlashIsNotFound) {
    start();
    auto r = request(reproducer("container_path_eight_segments_trailing_slash"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404);
}

TEST_F(FuzzRegressions, FoundInputGetsAnswersAndTheServerKeepsServing) {
    start();
    Conn c = Conn::tcp(port);
    ASSERT_TRUE(c.ok());
    c.send(reproducer("container_path_nine_segments_found"));
    auto first = c.read();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->status, 404);
    // The server is still healthy afterwards.
    auto again = request(get("/v1/credentials", "Authorization: " + token() + "\r\n"));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 200);
}

}  // namespace
}  // namespace ssocred::serve::test
