// The control-socket client (control_client.cpp, http_exchange.cpp) against a scripted
// server on a real unix socket: what it accepts, what it refuses, and that it refuses a
// server of another uid before sending a byte.
#include "control_client.hpp"

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

namespace ssocred::cli {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A private directory (0700, ours) holding a listening socket. Each test scripts what the
// server does with the one connection it accepts.
class ScriptedServer {
  public:
    ScriptedServer() {
        char tmpl[] = "/tmp/ssocred-cc-XXXXXX";
        if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp");
        dir_ = tmpl;
        socket_path_ = dir_ / "ssocredd.sock";
        listener_.reset(::socket(AF_UNIX, SOCK_STREAM, 0));  // portable: no SOCK_CLOEXEC
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, socket_path_.c_str(), sizeof(addr.sun_path) - 1);
        if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(listener_.get(), 4) != 0)
            throw std::runtime_error("bind/listen");
    }
    ~ScriptedServer() {
        if (thread_.joinable()) thread_.join();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    ScriptedServer(const ScriptedServer&) = delete;
    ScriptedServer& operator=(const ScriptedServer&) = delete;

    const fs::path& dir() const { return dir_; }
    const fs::path& socket() const { return socket_path_; }

    // Accepts one connection; reads the request head (and body, by Content-Length) unless
    // `read_request` is false; writes `reply`; then holds the connection open until the
    // client closes it when `hold` is set, else closes it.
    void serve(std::string reply, bool read_request = true, bool hold = false) {
        thread_ = std::thread([this, reply = std::move(reply), read_request, hold] {
            pollfd p{listener_.get(), POLLIN, 0};
            if (::poll(&p, 1, 10000) != 1) return;
            UniqueFd conn(::accept(listener_.get(), nullptr, nullptr));
            if (!conn) return;
            if (read_request) request_ = read_head_and_body(conn.get());
            write_all(conn.get(), reply);
            if (hold) drain(conn.get());
        });
    }

    // Accepts one connection and records every byte the client sends until it closes.
    void record_everything() {
        thread_ = std::thread([this] {
            pollfd p{listener_.get(), POLLIN, 0};
            if (::poll(&p, 1, 10000) != 1) return;
            UniqueFd conn(::accept(listener_.get(), nullptr, nullptr));
            if (!conn) return;
            accepted_ = true;
            request_ = drain(conn.get());
        });
    }

    std::string request() {
        if (thread_.joinable()) thread_.join();
        return request_;
    }
    bool accepted() {
        if (thread_.joinable()) thread_.join();
        return accepted_;
    }

  private:
    static void write_all(int fd, const std::string& data) {
        std::size_t sent = 0;
        while (sent < data.size()) {
            const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return;
            sent += static_cast<std::size_t>(n);
        }
    }
    // Everything until the peer closes (or 10 s pass).
    static std::string drain(int fd) {
        std::string data;
        char buf[4096];
        for (;;) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 10000) != 1) return data;
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) return data;
            data.append(buf, static_cast<std::size_t>(n));
        }
    }
    static std::string read_head_and_body(int fd) {
        std::string data;
        char buf[4096];
        std::size_t want = std::string::npos;
        for (;;) {
            const auto head_end = data.find("\r\n\r\n");
            if (head_end != std::string::npos && want == std::string::npos) {
                want = head_end + 4;
                const auto cl = data.find("Content-Length: ");
                if (cl != std::string::npos && cl < head_end)
                    want += std::strtoul(data.c_str() + cl + 16, nullptr, 10);
            }
            if (want != std::string::npos && data.size() >= want) return data;
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 10000) != 1) return data;
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) return data;
            data.append(buf, static_cast<std::size_t>(n));
        }
    }

    fs::path dir_;
    fs::path socket_path_;
    UniqueFd listener_;
    std::thread thread_;
    std::string request_;
    bool accepted_ = false;
};

std::string ok_json(const std::string& body) {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(ControlClient, SendsOneRequestAndReadsTheJsonReply) {
    ScriptedServer server;
    server.serve(ok_json(R"({"version":"1.2.3"})"));
    auto reply = ControlClient(server.socket()).call("POST", "/v1/login", json{{"a", 1}});
    ASSERT_TRUE(reply) << reply.error().message;
    EXPECT_EQ((*reply)["version"], "1.2.3");
    const std::string request = server.request();
    EXPECT_EQ(request.rfind("POST /v1/login HTTP/1.1\r\n", 0), 0u) << request;
    for (const char* header : {"Host: localhost\r\n", "Connection: close\r\n",
                               "Content-Type: application/json\r\n", "Content-Length: 7\r\n"})
        EXPECT_NE(request.find(header), std::string::npos) << header << " in " << request;
    EXPECT_EQ(request.substr(request.size() - 7), R"({"a":1})");
}

TEST(ControlClient, ReadsChunkedBodiesAndBodiesEndedByClosing) {
    {
        ScriptedServer server;
        server.serve(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4;x=y\r\n\":1}\r\n"
            "0\r\n\r\n");
        auto r = ControlClient(server.socket()).send("GET", "/v1/status", std::nullopt);
        ASSERT_TRUE(r) << r.error().message;
        EXPECT_EQ(r->status, 200);
        EXPECT_EQ(r->body, R"({"a":1})");
    }
    {
        ScriptedServer server;
        server.serve("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
        auto r = ControlClient(server.socket()).send("GET", "/healthz", std::nullopt);
        ASSERT_TRUE(r) << r.error().message;
        EXPECT_EQ(r->body, "until the end");
        EXPECT_EQ(r->content_type, "text/plain");
    }
}

TEST(ControlClient, SkipsAnInterimResponse) {
    ScriptedServer server;
    server.serve("HTTP/1.1 100 Continue\r\n\r\n" + ok_json("{}"));
    auto r = ControlClient(server.socket()).send("GET", "/v1/status", std::nullopt);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status, 200);
}

TEST(ControlClient, AnErrorStatusCarriesTheDaemonsCodeAndSession) {
    ScriptedServer server;
    const std::string body =
        R"({"code":"login_required","message":"Log in first.","session":"corp"})";
    server.serve("HTTP/1.1 503 Service Unavailable\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n" + body);
    auto r = ControlClient(server.socket()).get("/v1/credentials");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::LoginRequired);
    EXPECT_EQ(r.error().upstream_type, "login_required");
    EXPECT_EQ(r.error().session, "corp");
    EXPECT_EQ(r.error().message, "Log in first");
    EXPECT_EQ(r.error().http_status, 503);
}

TEST(ControlClient, RefusesMalformedResponses) {
    for (const std::string& reply :
         {std::string("garbage\r\n\r\n"), std::string("HTTP/1.1 2x0 OK\r\n\r\n"),
          std::string("HTTP/1.1 200 OK\r\nContent-Length: nine\r\n\r\n"),
          std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
          // The connection ends inside the body it announced.
          std::string("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")}) {
        ScriptedServer server;
        server.serve(reply);
        auto r = ControlClient(server.socket()).send("GET", "/v1/status", std::nullopt);
        ASSERT_FALSE(r) << reply;
        EXPECT_EQ(r.error().code, ErrorCode::BadResponse) << reply << ": " << r.error().message;
    }
}

TEST(ControlClient, RefusesOversizedHeadersAndBodies) {
    {
        ScriptedServer server;
        server.serve("HTTP/1.1 200 OK\r\nX-Padding: " + std::string(kMaxResponseHeader, 'a') +
                     "\r\nContent-Length: 0\r\n\r\n");
        auto r = ControlClient(server.socket()).send("GET", "/v1/status", std::nullopt);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, ErrorCode::BadResponse);
        EXPECT_NE(r.error().message.find("oversized"), std::string::npos) << r.error().message;
    }
    {
        // Refused on the announced length, before any of the body is read.
        ScriptedServer server;
        server.serve("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(kMaxResponseBody + 1) +
                         "\r\n\r\n",
                     true, /*hold=*/true);
        auto r = ControlClient(server.socket()).send("GET", "/v1/status", std::nullopt);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, ErrorCode::BadResponse);
        EXPECT_NE(r.error().message.find("oversized"), std::string::npos) << r.error().message;
    }
}

TEST(ControlClient, AConnectionClosedWithoutAnAnswerIsAnIoError) {
    ScriptedServer server;
    server.serve("");
    auto r = ControlClient(server.socket()).send("GET", "/v1/status", std::nullopt);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::Io);
    EXPECT_NE(r.error().message.find("without answering"), std::string::npos) << r.error().message;
}

TEST(ControlClient, GivesUpAtTheDeadlineAndOnTheCancelPipe) {
    {
        ScriptedServer server;
        server.serve("", true, /*hold=*/true);  // reads the request, never answers
        RequestOptions o;
        o.timeout = 200ms;
        auto r = ControlClient(server.socket()).send("GET", "/v1/login/x", std::nullopt, o);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, ErrorCode::Timeout);
    }
    {
        ScriptedServer server;
        server.serve("", true, /*hold=*/true);
        int fds[2];
        ASSERT_EQ(::pipe(fds), 0);
        UniqueFd read_end(fds[0]);
        UniqueFd write_end(fds[1]);
        ASSERT_EQ(::write(write_end.get(), "x", 1), 1);
        RequestOptions o;
        o.cancel_fd = read_end.get();
        auto r = ControlClient(server.socket()).send("GET", "/v1/login/x", std::nullopt, o);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, ErrorCode::Cancelled);
        // The caller's pipe is still its own, open.
        EXPECT_NE(::fcntl(read_end.get(), F_GETFD), -1);
    }
}

TEST(ControlClient, RefusesAServerOfAnotherUidBeforeSendingAByte) {
    ScriptedServer server;
    server.record_everything();
    const uid_t someone_else = ::getuid() + 1;
    auto fd = connect_control_socket(server.socket(), someone_else);
    ASSERT_FALSE(fd);
    EXPECT_EQ(fd.error().code, ErrorCode::Forbidden);
    EXPECT_NE(fd.error().message.find("not by you"), std::string::npos) << fd.error().message;
    EXPECT_TRUE(server.accepted());
    EXPECT_EQ(server.request(), "");  // closed without a byte
}

TEST(ControlClient, RefusesASocketInADirectoryOthersCanWrite) {
    ScriptedServer server;
    ASSERT_EQ(::chmod(server.dir().c_str(), 0777), 0);
    auto r = ControlClient(server.socket()).get("/v1/status");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::Forbidden) << r.error().message;
}

TEST(ControlClient, NothingListeningMeansTheDaemonIsNotRunning) {
    fs::path socket;
    {
        ScriptedServer server;
        socket = server.socket();
        auto missing_socket = ControlClient(server.dir() / "other.sock").get("/v1/status");
        ASSERT_FALSE(missing_socket);
        EXPECT_EQ(missing_socket.error().upstream_type, kDaemonNotRunning);
    }
    auto missing_dir = ControlClient(socket).get("/v1/status");  // the directory is gone
    ASSERT_FALSE(missing_dir);
    EXPECT_EQ(missing_dir.error().upstream_type, kDaemonNotRunning);
}

}  // namespace
}  // namespace ssocred::cli
