// Test support for the serving plane: a fake CredentialSource and ControlHandler, a server
// fixture running the io_context on its own thread, and a blocking HTTP client on raw
// sockets (raw so tests can send malformed, oversized, partial and pipelined requests).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "ssocred/peer_identity.hpp"

#include "creds/credential_source.hpp"
#include "serve/control_handler.hpp"
#include "serve/endpoint_tokens.hpp"
#include "serve/metrics.hpp"
#include "serve/server.hpp"

namespace ssocred::serve::test {

// An "Authorization: VALUE" header line for the raw requests below.
inline std::string auth(const std::string& value) {
    return "Authorization: " + value + "\r\n";
}

RoleRef role(std::string account, std::string name);
CredentialsPtr make_creds(const RoleRef& r);

class FakeSource final : public CredentialSource {
  public:
    explicit FakeSource(boost::asio::io_context& io) : io_(io) {}
    void get(const RoleRef& role, CredentialsCallback done) override;
    std::optional<RoleRef> active_role() const override { return active; }
    Expected<RoleRef> resolve_profile(std::string_view profile) const override;
    std::string region() const override { return "eu-west-1"; }

    // Configure before the server starts.
    std::map<std::string, CredentialsPtr> creds;  // "acct/role"
    std::map<std::string, Error> errors;          // "acct/role"
    std::map<std::string, RoleRef> profiles;
    std::optional<RoleRef> active;
    bool async = false;  // answer from a later loop iteration, as a refresh would

  private:
    boost::asio::io_context& io_;
};

struct SeenRequest {
    std::string method, target, path, query, body, header_x;
    std::optional<std::string> wait;
};

class FakeControl final : public ControlHandler {
  public:
    void handle(const Request& request, Responder respond) override;
    std::mutex mutex;
    std::vector<SeenRequest> seen;
    bool answer_from_thread = false;  // respond later, from another thread (long poll)
    bool drop_on_thread = false;      // never respond: drop the responder on another thread
    std::size_t pad_body = 0;         // this many more bytes in every answer's body
    std::vector<std::thread> threads;
    ~FakeControl() override;
};

struct HttpResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

// A blocking client connection with a read buffer (for keep-alive and pipelining).
class Conn {
  public:
    static Conn tcp(unsigned short port);
    static Conn unix_socket(const std::filesystem::path& path);
    Conn(Conn&& o) noexcept : fd_(o.fd_), buf_(std::move(o.buf_)) { o.fd_ = -1; }
    Conn& operator=(Conn&&) = delete;
    ~Conn();
    bool ok() const { return fd_ >= 0; }
    int fd() const { return fd_; }
    void send(const std::string& data);
    // One response; nullopt when the connection closed (or timed out) first.
    std::optional<HttpResponse> read(bool head = false, int timeout_ms = 5000);
    // True when the server closes the connection within timeout_ms.
    bool closed_within(int timeout_ms);

  private:
    explicit Conn(int fd) : fd_(fd) {}
    bool fill(int timeout_ms);
    int fd_ = -1;
    std::string buf_;
};

std::string get(const std::string& path, const std::string& extra_headers = "",
                const std::string& method = "GET");

// False where the OS layer cannot name the owner of a TCP peer (the portable build):
// there the owner checks refuse (IMDS) or count every peer as another user's (budgets).
inline bool tcp_owners_known() {
    return ssocred::tcp_owner_visibility() != ssocred::TcpOwnerVisibility::None;
}

class ServeTest : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;
    // Starts the server (after configuring source/control/options).
    void start();
    std::optional<HttpResponse> request(const std::string& raw, bool head = false);
    std::optional<HttpResponse> control(const std::string& raw);
    std::string token() const { return tokens->main_token().reveal(); }
    std::string imds_token(unsigned ttl = 21600);

    std::filesystem::path dir;
    boost::asio::io_context io;
    FakeSource source{io};
    FakeControl control_handler;
    Metrics metrics;
    std::unique_ptr<ManualClock> token_clock;
    std::unique_ptr<EndpointTokens> tokens;
    ServerOptions options;
    std::unique_ptr<Server> server;
    BoundEndpoints bound;
    unsigned short port = 0;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
    std::thread loop;
};

}  // namespace ssocred::serve::test
