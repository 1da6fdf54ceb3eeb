#include "sso/redirect_listener.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include <spdlog/spdlog.h>

#include "ssocred/descriptors.hpp"
#include "ssocred/errno_text.hpp"
#include "ssocred/peer_identity.hpp"

#include "store/unique_fd.hpp"

namespace ssocred::sso {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::size_t kMaxRequest = 8 * 1024;

Error sys_error(const char* what) {
    const int err = errno;
    return Error::make(ErrorCode::Io, std::string(what) + ": " + errno_text(err));
}

const char* reason(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 400:
            return "Bad Request";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        default:
            return "Error";
    }
}

boost::asio::ip::tcp::endpoint endpoint_of(const sockaddr_in& a) {
    return {boost::asio::ip::address_v4(ntohl(a.sin_addr.s_addr)), ntohs(a.sin_port)};
}

}  // namespace

struct RedirectListener::Impl {
    struct Conn {
        UniqueFd fd;
        SteadyClock::time_point deadline;
        std::string in;
        std::string out;  // the response, once there is one
        std::size_t sent = 0;
    };

    Handler handler;
    RedirectListenerOptions options;
    UniqueFd listener;
    UniqueFd stop_read;
    UniqueFd stop_write;
    sockaddr_in bound{};
    std::vector<Conn> conns;
    std::atomic<std::size_t> foreign{0};

    void run();
    void accept_all();
    bool same_uid(const sockaddr_in& peer);
    // False when the connection is finished (to be closed).
    bool on_readable(Conn& c);
    bool on_writable(Conn& c);
    void respond(Conn& c);
};

Expected<std::unique_ptr<RedirectListener>> RedirectListener::open(
    Handler handler, RedirectListenerOptions options) {
    auto impl = std::make_unique<Impl>();
    impl->handler = std::move(handler);
    impl->options = options;
    impl->listener = UniqueFd(socket_cloexec(AF_INET, SOCK_STREAM, 0, FdMode::NonBlocking));
    if (!impl->listener.valid()) return sys_error("cannot create the redirect listener");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // never all interfaces
    addr.sin_port = 0;
    if (::bind(impl->listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        return sys_error("cannot bind the redirect listener on 127.0.0.1");
    if (::listen(impl->listener.get(), 16) != 0)
        return sys_error("cannot listen for the login redirect");
    socklen_t len = sizeof impl->bound;
    if (::getsockname(impl->listener.get(), reinterpret_cast<sockaddr*>(&impl->bound), &len) != 0)
        return sys_error("cannot read the redirect listener's port");
    int pipefd[2];
    if (pipe_cloexec(pipefd, FdMode::NonBlocking) != 0) return sys_error("cannot create a pipe");
    impl->stop_read = UniqueFd(pipefd[0]);
    impl->stop_write = UniqueFd(pipefd[1]);
    const int port = ntohs(impl->bound.sin_port);
    std::unique_ptr<RedirectListener> l(new RedirectListener(std::move(impl), port));
    return l;
}

RedirectListener::RedirectListener(std::unique_ptr<Impl> impl, int port)
    : impl_(std::move(impl)), port_(port) {
    thread_ = std::thread([impl = impl_.get()] { impl->run(); });
}

RedirectListener::~RedirectListener() {
    const char b = 'x';
    (void)!::write(impl_->stop_write.get(), &b, 1);
    if (thread_.joinable()) thread_.join();
}

std::size_t RedirectListener::foreign_refused() const noexcept {
    return impl_->foreign.load();
}

void RedirectListener::Impl::run() {
    std::vector<pollfd> fds;
    for (;;) {
        const auto now = SteadyClock::now();
        // Drop connections past their deadline; find the next deadline.
        std::erase_if(conns, [&](const Conn& c) { return c.deadline <= now; });
        auto next = now + std::chrono::hours(1);
        for (const auto& c : conns) next = std::min(next, c.deadline);
        fds.clear();
        fds.push_back({stop_read.get(), POLLIN, 0});
        fds.push_back({listener.get(), POLLIN, 0});
        for (const auto& c : conns)
            fds.push_back({c.fd.get(), static_cast<short>(c.out.empty() ? POLLIN : POLLOUT), 0});
        const auto wait = std::chrono::ceil<std::chrono::milliseconds>(next - now).count();
        const int rc = ::poll(fds.data(), fds.size(), static_cast<int>(wait));
        if (rc < 0 && errno != EINTR) return;
        if (rc <= 0) continue;
        if (fds[0].revents != 0) return;  // stop: every connection closes with conns
        // Connections first (their indices match fds from 2 on), then new ones.
        std::vector<bool> done(conns.size(), false);
        for (std::size_t i = 0; i < conns.size(); ++i) {
            const short ev = fds[i + 2].revents;
            if (ev == 0) continue;
            if ((ev & (POLLERR | POLLNVAL)) != 0) {
                done[i] = true;
            } else if ((ev & POLLOUT) != 0) {
                done[i] = !on_writable(conns[i]);
            } else {
                done[i] = !on_readable(conns[i]);
            }
        }
        for (std::size_t i = conns.size(); i-- > 0;) {
            if (done[i]) conns.erase(conns.begin() + static_cast<std::ptrdiff_t>(i));
        }
        if (fds[1].revents != 0) accept_all();
    }
}

bool RedirectListener::Impl::same_uid(const sockaddr_in& peer) {
    if (!options.require_same_uid) return true;
    // A build that cannot tell who owns a TCP connection (the portable one) cannot refuse
    // other local users here and accepts, as any OAuth client with no kernel to ask: a known
    // limit of that build (docs/security.md, the "Per OS layer" table and 16.3), not of
    // Linux or macOS. `ssocred login` uses the device code flow with that build for this.
    if (tcp_owner_visibility() == TcpOwnerVisibility::None) return true;
    // The client's socket has the peer's address as its source and ours as destination.
    const auto uid = tcp_peer_uid(endpoint_of(bound), endpoint_of(peer));
    if (uid && *uid == ::getuid()) return true;
    // A few lines, not one per attempt: connecting is free, the log is not.
    if (++foreign > 3) return false;
    if (uid) {
        spdlog::warn("login redirect listener: closed a connection from uid {} (not ours)", *uid);
    } else {
        spdlog::warn("login redirect listener: closed a connection whose owner is unknown ({})",
                     uid.error().message);
    }
    return false;
}

void RedirectListener::Impl::accept_all() {
    for (;;) {
        sockaddr_in peer{};
        socklen_t len = sizeof peer;
        UniqueFd fd(accept_cloexec(listener.get(), reinterpret_cast<sockaddr*>(&peer), &len,
                                   FdMode::NonBlocking));
        if (!fd.valid()) return;  // EAGAIN (drained) or an error: poll again
        if (peer.sin_family != AF_INET || !same_uid(peer)) continue;  // closed at once
        if (conns.size() >= options.max_connections) continue;
        Conn c;
        c.fd = std::move(fd);
        c.deadline = SteadyClock::now() + options.read_timeout;
        conns.push_back(std::move(c));
    }
}

bool RedirectListener::Impl::on_readable(Conn& c) {
    char buf[4096];
    const ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, 0);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    if (n == 0) return false;
    c.in.append(buf, static_cast<std::size_t>(n));
    if (c.in.find("\r\n\r\n") == std::string::npos) {
        if (c.in.size() > kMaxRequest) return false;
        return true;
    }
    respond(c);
    return on_writable(c);
}

void RedirectListener::Impl::respond(Conn& c) {
    RedirectReply reply{400, "bad request"};
    // "METHOD SP target SP HTTP/1.x" on the first line; the headers do not matter here.
    const std::string_view line = std::string_view(c.in).substr(0, c.in.find("\r\n"));
    const auto sp1 = line.find(' ');
    const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 != std::string_view::npos && line.substr(sp2 + 1).starts_with("HTTP/1.")) {
        reply = handler(line.substr(0, sp1), line.substr(sp1 + 1, sp2 - sp1 - 1));
    }
    c.out = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) +
            "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
            std::to_string(reply.body.size()) +
            "\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n"
            "Connection: close\r\n\r\n" +
            reply.body;
}

bool RedirectListener::Impl::on_writable(Conn& c) {
    while (c.sent < c.out.size()) {
        const ssize_t n =
            ::send(c.fd.get(), c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
        if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        c.sent += static_cast<std::size_t>(n);
    }
    ::shutdown(c.fd.get(), SHUT_WR);
    return false;  // written: close
}

}  // namespace ssocred::sso
