// Fuzz target: the serving plane as a client sees it. One real serve::Server per process
// (the container and IMDS endpoints on a loopback TCP listener, the control socket in a
// temp dir) runs on its own io_context thread; each input is written on a fresh connection,
// the client half-closes, and the reply is read until the server closes. Everything the
// daemon does with those bytes runs: Beast's parser in the session, limits and timeouts,
// the router, browser guard, container and IMDS handlers, token checks, the control path.
//
// First byte: bit 0 set = control socket, else TCP. The rest is sent as is, except that
// @MAIN@ @SCOPED@ @IMDS@ become the real endpoint token, a scoped token for 111111111111/Dev,
// and a live IMDS session token (random per process).
//
// Oracles (trap = a finding): the server must close the connection within 5 s of the
// client's half-close (no hang, no leaked session); whatever it sends must be HTTP/1.1
// responses; and on TCP no credential may come back unless the input carried a token.
#include <arpa/inet.h>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "creds/credential_source.hpp"
#include "fuzz_support.hpp"
#include "serve/control_handler.hpp"
#include "serve/endpoint_tokens.hpp"
#include "serve/metrics.hpp"
#include "serve/server.hpp"

using namespace ssocred;
using namespace ssocred::serve;

namespace {

constexpr std::string_view kSecretMarker = "FUZZ-SECRET-ACCESS-KEY";
constexpr int kReplyDeadlineMs = 5000;

RoleRef role(std::string account, std::string name) {
    RoleRef r;
    r.account_id = std::move(account);
    r.role_name = std::move(name);
    return r;
}

CredentialsPtr make_creds(const RoleRef& r) {
    auto c = std::make_shared<ServedCredentials>();
    c->credentials.role = r;
    c->credentials.access_key_id = "ASIA" + r.account_id;
    const std::string secret(kSecretMarker);
    c->container_json = R"({"AccessKeyId":"ASIA)" + r.account_id + R"(","SecretAccessKey":")" +
                        secret + R"(","Token":"tok","Expiration":"2030-01-01T00:00:00Z"})";
    c->imds_json = R"({"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIA)" + r.account_id +
                   R"(","SecretAccessKey":")" + secret +
                   R"(","Token":"tok","Expiration":"2030-01-01T00:00:00Z"})";
    c->imds_extended_json = c->imds_json;
    return c;
}

// Two roles and two profiles; answers on a later loop iteration for "Ops", as a refresh
// would, so both the synchronous and the deferred reply paths run.
class Source final : public CredentialSource {
  public:
    explicit Source(boost::asio::io_context& io) : io_(io) {}
    void get(const RoleRef& r, CredentialsCallback done) override {
        Expected<CredentialsPtr> result = Error::make(ErrorCode::NotFound, "role not assigned");
        if (r.account_id == "111111111111" && r.role_name == "Dev") result = dev_;
        if (r.account_id == "222222222222" && r.role_name == "Ops") {
            boost::asio::post(io_, [done = std::move(done), c = ops_]() { done(c); });
            return;
        }
        done(std::move(result));
    }
    std::optional<RoleRef> active_role() const override { return role("111111111111", "Dev"); }
    Expected<RoleRef> resolve_profile(std::string_view profile) const override {
        if (profile == "dev") return role("111111111111", "Dev");
        if (profile == "ops") return role("222222222222", "Ops");
        if (profile == "gone") return Error::make(ErrorCode::LoginRequired, "login required");
        return Error::make(ErrorCode::NotFound, "no such profile");
    }
    std::string region() const override { return "eu-west-1"; }

  private:
    boost::asio::io_context& io_;
    CredentialsPtr dev_ = make_creds(role("111111111111", "Dev"));
    CredentialsPtr ops_ = make_creds(role("222222222222", "Ops"));
};

// Answers every control request with what it understood; "/v1/later" from the loop a
// moment later (the long-poll shape: the responder outlives handle()).
class Control final : public ControlHandler {
  public:
    explicit Control(boost::asio::io_context& io) : io_(io) {}
    void handle(const Request& request, Responder respond) override {
        nlohmann::json j{{"method", std::string(request.method)},
                         {"path", std::string(request.path)},
                         {"body_bytes", request.body.size()},
                         {"wait", request.query_param("wait").value_or("")}};
        Response r;
        r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        if (request.path == "/v1/later") {
            boost::asio::post(io_, [respond = std::move(respond), r]() { respond(r); });
        } else {
            respond(std::move(r));
        }
    }

  private:
    boost::asio::io_context& io_;
};

class Fixture {
  public:
    Fixture() {
        auto t = EndpointTokens::open(fuzz::temp_dir() / "state", clock_);
        if (!t) std::abort();
        tokens_ = std::move(*t);
        auto scoped = tokens_->mint(role("111111111111", "Dev"), std::nullopt, false, "fuzz");
        if (!scoped) std::abort();
        scoped_ = scoped->token.reveal();

        ServerOptions options;
        options.listen = {"127.0.0.1:0"};
        options.socket_path = fuzz::temp_dir() / "ctl.sock";
        options.state_dir = fuzz::temp_dir() / "state";
        options.limits.header_timeout = std::chrono::milliseconds(2000);
        options.limits.idle_timeout = std::chrono::milliseconds(2000);
        options.limits.write_timeout = std::chrono::milliseconds(2000);
        server_ = std::make_unique<Server>(io_, options, source_, *tokens_, control_, metrics_);
        auto bound = server_->start();
        if (!bound || bound->http.empty()) std::abort();
        port_ = bound->http.front().port;
        socket_path_ = options.socket_path;
        work_.emplace(io_.get_executor());
        loop_ = std::thread([this] { io_.run(); });

        const auto reply = exchange(false,
                                    "PUT /latest/api/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    "X-aws-ec2-metadata-token-ttl-seconds: 21600\r\n\r\n");
        const auto body = reply ? reply->find("\r\n\r\n") : std::string::npos;
        if (body == std::string::npos) std::abort();
        imds_ = reply->substr(body + 4);
    }

    ~Fixture() {
        boost::asio::post(io_, [this] { server_->stop(); });
        work_.reset();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        io_.stop();
        loop_.join();
        server_.reset();
    }

    std::string substitute(std::string_view in, bool& had_token) const {
        std::string out(in);
        had_token = false;
        // main_token() answers a copy (the token can be rotated): keep it alive here.
        const Secret main = tokens_->main_token();
        const std::pair<std::string_view, const std::string&> values[] = {
            {"@MAIN@", main.reveal()}, {"@SCOPED@", scoped_}, {"@IMDS@", imds_}};
        for (const auto& [name, value] : values) {
            for (std::size_t pos = 0, n = 0;
                 n < 8 && (pos = out.find(name, pos)) != std::string::npos; ++n) {
                out.replace(pos, name.size(), value);
                pos += value.size();
                had_token = true;
            }
        }
        return out;
    }

    // Sends `request`, half-closes, reads until the server closes. nullopt when the
    // connection could not be made or the server did not close it in time.
    std::optional<std::string> exchange(bool control, const std::string& request) const {
        const int fd = connect_to(control);
        if (fd < 0) return std::nullopt;
        std::size_t off = 0;
        while (off < request.size()) {
            const ssize_t n = ::send(fd, request.data() + off, request.size() - off, MSG_NOSIGNAL);
            if (n <= 0) break;  // the server closed early (limits): read what it said
            off += static_cast<std::size_t>(n);
        }
        ::shutdown(fd, SHUT_WR);
        std::string reply;
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(kReplyDeadlineMs);
        std::optional<std::string> result;
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            char buf[16384];
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) {
                result = std::move(reply);  // EOF (or reset): the server is done with us
                break;
            }
            reply.append(buf, static_cast<std::size_t>(n));
        }
        ::close(fd);
        return result;
    }

  private:
    int connect_to(bool control) const {
        // A connect can fail transiently (backlog full while the loop is busy): retry.
        for (int attempt = 0; attempt < 50; ++attempt) {
            int fd = -1;
            int rc = -1;
            if (control) {
                fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
                sockaddr_un a{};
                a.sun_family = AF_UNIX;
                std::strncpy(a.sun_path, socket_path_.c_str(), sizeof a.sun_path - 1);
                rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
            } else {
                fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
                sockaddr_in a{};
                a.sin_family = AF_INET;
                a.sin_port = htons(port_);
                a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
                rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
            }
            if (rc == 0) return fd;
            ::close(fd);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return -1;
    }

    boost::asio::io_context io_;
    ManualClock clock_{*parse_utc("2026-11-23T09:00:00Z")};
    Source source_{io_};
    Control control_{io_};
    Metrics metrics_;
    std::unique_ptr<EndpointTokens> tokens_;
    std::unique_ptr<Server> server_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
    std::thread loop_;
    unsigned short port_ = 0;
    std::filesystem::path socket_path_;
    std::string scoped_;
    std::string imds_;
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

// Every byte the server sent must belong to a sequence of HTTP/1.1 responses, each with a
// Content-Length that matches what follows (HEAD replies carry none of their body, so only
// the status lines are checked when the request used HEAD).
bool well_formed(std::string_view reply, bool any_head) {
    while (!reply.empty()) {
        if (!reply.starts_with("HTTP/1.1 ")) return false;
        const auto end = reply.find("\r\n\r\n");
        if (end == std::string_view::npos) return false;
        if (any_head) return true;
        const std::string_view head = reply.substr(0, end);
        const auto cl = head.find("\r\nContent-Length: ");
        if (cl == std::string_view::npos) return false;
        std::size_t length = 0;
        for (std::size_t i = cl + 18; i < head.size() && head[i] >= '0' && head[i] <= '9'; ++i)
            length = length * 10 + static_cast<std::size_t>(head[i] - '0');
        if (reply.size() - end - 4 < length) return false;
        reply.remove_prefix(end + 4 + length);
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logs();
    (void)fixture();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const bool control = (data[0] & 1) != 0;
    const std::string_view raw(reinterpret_cast<const char*>(data + 1), size - 1);
    bool had_token = false;
    const std::string request = fixture().substitute(raw, had_token);
    const auto reply = fixture().exchange(control, request);
    if (!reply) {
        std::fprintf(
            stderr,
            "http_server fuzzer: the server did not accept, or did not close, the connection\n");
        __builtin_trap();
    }
    if (!well_formed(*reply, raw.find("HEAD") != std::string_view::npos)) {
        std::fprintf(stderr, "http_server fuzzer: malformed reply\n");
        __builtin_trap();
    }
    if (!control && !had_token && raw.find(kSecretMarker) == std::string_view::npos &&
        reply->find(kSecretMarker) != std::string::npos) {
        std::fprintf(stderr, "http_server fuzzer: credentials served without a token\n");
        __builtin_trap();
    }
    return 0;
}
