// The HTTP client against an in-process cpp-httplib server on 127.0.0.1.
#include "sso/http_client.hpp"

#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

namespace ssocred::sso {
namespace {

class FakeUpstream {
  public:
    FakeUpstream() {
        port = server.bind_to_any_port("127.0.0.1");
        thread = std::thread([this] { server.listen_after_bind(); });
        while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ~FakeUpstream() {
        server.stop();
        thread.join();
    }
    std::string url(const std::string& prefix = "") const {
        return "http://127.0.0.1:" + std::to_string(port) + prefix;
    }
    httplib::Server server;
    int port = 0;
    std::thread thread;
};

HttpOptions test_options() {
    HttpOptions o;
    o.read_timeout = std::chrono::seconds(1);
    o.env = [](const char*) -> std::optional<std::string> { return std::nullopt; };
    return o;
}

TEST(HttpClient, SendsBelowPrefixAndMeasuresSkew) {
    FakeUpstream up;
    std::string seen_token, seen_body, seen_ct;
    up.server.Post("/oidc/token", [&](const httplib::Request& req, httplib::Response& res) {
        seen_body = req.body;
        seen_ct = req.get_header_value("Content-Type");
        res.set_header("Date", "Wed, 18 Nov 2026 11:08:20 GMT");  // 1795000100
        res.set_header("X-Amzn-ErrorType", "X");
        res.set_content("{\"ok\":true}", "application/json");
    });
    ManualClock clock(from_epoch_seconds(1795000000));
    HttpClient client(*parse_base_url(up.url("/oidc")), clock, test_options());
    HttpRequest req;
    req.method = "POST";
    req.target = "/token";
    req.body = "{\"a\":1}";
    req.content_type = "application/json";
    auto r = client.send(std::move(req));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "{\"ok\":true}");
    EXPECT_EQ(r->header("x-amzn-errortype"), "X");
    EXPECT_EQ(r->skew, std::chrono::seconds(100));
    EXPECT_EQ(seen_body, "{\"a\":1}");
    EXPECT_EQ(seen_ct, "application/json");
}

TEST(HttpClient, HeadersQueryAndEmptyPost) {
    FakeUpstream up;
    std::string token, role, length;
    up.server.Get("/federation/credentials",
                  [&](const httplib::Request& req, httplib::Response& res) {
                      token = req.get_header_value("x-amz-sso_bearer_token");
                      role = req.get_param_value("role_name");
                      res.status = 401;
                      res.set_content("{}", "application/json");
                  });
    up.server.Post("/logout", [&](const httplib::Request& req, httplib::Response& res) {
        length = req.get_header_value("Content-Length");
        res.status = 200;
    });
    HttpClient client(*parse_base_url(up.url()), RealClock::instance(), test_options());
    HttpRequest get;
    get.target = "/federation/credentials?role_name=A%20B&account_id=1";
    get.headers.emplace_back("x-amz-sso_bearer_token", "tok");
    auto r = client.send(get);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(token, "tok");
    EXPECT_EQ(role, "A B");
    HttpRequest post;
    post.method = "POST";
    post.target = "/logout";
    ASSERT_TRUE(client.send(post));
    EXPECT_EQ(length, "0");
}

TEST(HttpClient, BodyCapAndTimeout) {
    FakeUpstream up;
    up.server.Get("/big", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(std::string(2000, 'x'), "text/plain");
    });
    up.server.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1600));
        res.set_content("late", "text/plain");
    });
    HttpOptions o = test_options();
    o.max_body = 1000;
    HttpClient client(*parse_base_url(up.url()), RealClock::instance(), o);
    HttpRequest big;
    big.target = "/big";
    auto r = client.send(big);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::BadResponse);
    HttpRequest slow;
    slow.target = "/slow";
    auto s = client.send(slow);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, ErrorCode::Timeout) << s.error().message;
}

TEST(HttpClient, ConnectionRefusedIsNetwork) {
    int port = 0;
    {
        FakeUpstream up;
        port = up.port;
    }
    HttpClient client(*parse_base_url("http://127.0.0.1:" + std::to_string(port)),
                      RealClock::instance(), test_options());
    HttpRequest req;
    req.target = "/";
    auto r = client.send(req);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::Network) << r.error().message;
}

}  // namespace
}  // namespace ssocred::sso
