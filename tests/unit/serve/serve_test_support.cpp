#include "serve_test_support.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>

namespace ssocred::serve::test {

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
    c->container_json =
        R"({"AccessKeyId":"ASIA)" + r.account_id +
        R"(","SecretAccessKey":"secret","Token":"tok","Expiration":"2030-01-01T00:00:00Z","AccountId":")" +
        r.account_id + R"(","RoleArn":"arn:aws:iam::)" + r.account_id + ":role/" + r.role_name +
        R"("})";
    c->imds_json =
        R"({"Code":"Success","LastUpdated":"2026-11-23T09:00:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIA)" +
        r.account_id +
        R"(","SecretAccessKey":"secret","Token":"tok","Expiration":"2030-01-01T00:00:00Z"})";
    c->imds_extended_json = c->imds_json.substr(0, c->imds_json.size() - 1) + R"(,"AccountId":")" +
                            r.account_id + R"("})";
    return c;
}

void FakeSource::get(const RoleRef& r, CredentialsCallback done) {
    const std::string key = r.account_id + "/" + r.role_name;
    Expected<CredentialsPtr> result =
        Error::make(ErrorCode::NotFound, "role " + key + " is not assigned to you");
    if (auto e = errors.find(key); e != errors.end()) {
        result = e->second;
    } else if (auto c = creds.find(key); c != creds.end()) {
        result = c->second;
    }
    if (async) {
        boost::asio::post(io_,
                          [done = std::move(done), result]() mutable { done(std::move(result)); });
    } else {
        done(std::move(result));
    }
}

Expected<RoleRef> FakeSource::resolve_profile(std::string_view profile) const {
    if (auto it = profiles.find(std::string(profile)); it != profiles.end()) return it->second;
    return Error::make(ErrorCode::NotFound, "no profile named " + std::string(profile));
}

void FakeControl::handle(const Request& request, Responder respond) {
    SeenRequest s{std::string(request.method), std::string(request.target),
                  std::string(request.path),   std::string(request.query),
                  std::string(request.body),   std::string(request.header("X-Test").value_or("")),
                  request.query_param("wait")};
    {
        std::lock_guard lock(mutex);
        seen.push_back(s);
    }
    Response r;
    r.status = 200;
    r.body = R"({"path":")" + s.path + R"("})";
    if (pad_body != 0) r.body += std::string(pad_body, ' ');  // JSON still
    r.headers.push_back({"X-Handled", "yes"});
    if (drop_on_thread) {
        std::lock_guard lock(mutex);
        threads.emplace_back([respond = std::move(respond)]() mutable {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            Responder dropped = std::move(respond);  // destroyed here, unanswered
        });
    } else if (answer_from_thread) {
        std::lock_guard lock(mutex);
        threads.emplace_back([respond = std::move(respond), r]() mutable {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            respond(std::move(r));
        });
    } else {
        respond(std::move(r));
    }
}

FakeControl::~FakeControl() {
    for (auto& t : threads) t.join();
}

Conn Conn::tcp(unsigned short port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return Conn(-1);
    }
    return Conn(fd);
}

Conn Conn::unix_socket(const std::filesystem::path& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return Conn(-1);
    }
    return Conn(fd);
}

Conn::~Conn() {
    if (fd_ >= 0) ::close(fd_);
}

void Conn::send(const std::string& data) {
    std::size_t off = 0;
    while (off < data.size()) {
        const ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n <= 0) return;
        off += static_cast<std::size_t>(n);
    }
}

bool Conn::fill(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char tmp[16384];
    const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<std::size_t>(n));
    return true;
}

std::optional<HttpResponse> Conn::read(bool head, int timeout_ms) {
    std::size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
        if (!fill(timeout_ms)) return std::nullopt;
    }
    HttpResponse r;
    const std::string head_text = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    std::size_t line_end = head_text.find("\r\n");
    const std::string status_line = head_text.substr(0, line_end);
    r.status = std::atoi(status_line.substr(9, 3).c_str());
    while (line_end != std::string::npos) {
        const std::size_t start = line_end + 2;
        line_end = head_text.find("\r\n", start);
        const std::string line = head_text.substr(
            start, line_end == std::string::npos ? std::string::npos : line_end - start);
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        r.headers[name] = value;
    }
    const std::size_t length =
        head ? 0
             : std::stoul(r.header("content-length").empty() ? "0" : r.header("content-length"));
    while (buf_.size() < length) {
        if (!fill(timeout_ms)) return std::nullopt;
    }
    r.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return r;
}

bool Conn::closed_within(int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) > 0) {
            char tmp[4096];
            const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
            if (n <= 0) return true;
        }
    }
    return false;
}

std::string get(const std::string& path, const std::string& extra_headers,
                const std::string& method) {
    return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n";
}

void ServeTest::SetUp() {
    char tmpl[] = "/tmp/ssocred-serve-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir = tmpl;
    token_clock = std::make_unique<ManualClock>(std::chrono::system_clock::now());
    auto t = EndpointTokens::open(dir / "state", *token_clock);
    ASSERT_TRUE(t.has_value());
    tokens = std::move(*t);
    options.listen = {"127.0.0.1:0"};
    options.socket_path = dir / "run" / "ctl.sock";
    options.state_dir = dir / "state";
    options.limits.header_timeout = std::chrono::milliseconds(2000);
    options.limits.idle_timeout = std::chrono::milliseconds(10000);
    // Where the OS layer cannot tell who owns a TCP connection (the portable build), the
    // daemon refuses IMDS to every peer (ImdsIsRefusedWhereTcpOwnersAreUnknown). The other
    // IMDS tests are about the handler, not the owner check: there they run without it.
    if (!tcp_owners_known()) options.imds_require_same_uid = false;

    const RoleRef dev = role("111111111111", "Dev");
    const RoleRef ops = role("222222222222", "Ops");
    source.creds["111111111111/Dev"] = make_creds(dev);
    source.creds["222222222222/Ops"] = make_creds(ops);
    source.profiles["dev"] = dev;
    source.profiles["ops"] = ops;
    source.active = dev;
}

void ServeTest::start() {
    server = std::make_unique<Server>(io, options, source, *tokens, control_handler, metrics);
    auto b = server->start();
    ASSERT_TRUE(b.has_value()) << b.error().message;
    bound = *b;
    ASSERT_FALSE(bound.http.empty());
    port = bound.http.front().port;
    work.emplace(io.get_executor());
    loop = std::thread([this] { io.run(); });
}

void ServeTest::TearDown() {
    if (loop.joinable()) {
        boost::asio::post(io, [this] { server->stop(); });
        work.reset();
        // Give draining connections a moment, then stop whatever a test left behind.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        io.stop();
        loop.join();
    }
    server.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

std::optional<HttpResponse> ServeTest::request(const std::string& raw, bool head) {
    Conn c = Conn::tcp(port);
    if (!c.ok()) return std::nullopt;
    c.send(raw);
    return c.read(head);
}

std::optional<HttpResponse> ServeTest::control(const std::string& raw) {
    Conn c = Conn::unix_socket(options.socket_path);
    if (!c.ok()) return std::nullopt;
    c.send(raw);
    return c.read();
}

std::string ServeTest::imds_token(unsigned ttl) {
    auto r = request(get("/latest/api/token",
                         "X-aws-ec2-metadata-token-ttl-seconds: " + std::to_string(ttl) + "\r\n",
                         "PUT"));
    if (!r || r->status != 200) return {};
    return r->body;
}

}  // namespace ssocred::serve::test
