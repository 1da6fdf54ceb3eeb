#include "serve/listener.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <optional>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "ssocred/listener_owner.hpp"
#include "ssocred/private_dir.hpp"

#include "platform/connection_io.hpp"
#include "serve/json_error.hpp"
#include "serve/peer_identity.hpp"
#include "serve/recycling_allocator.hpp"
#include "serve/session.hpp"
#include "store/unique_fd.hpp"

namespace ssocred::serve {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using unix_proto = asio::local::stream_protocol;

namespace {

// Connections taken in one go before the loop runs other handlers (then accepting goes on).
constexpr int kAcceptBatch = 64;

// Written without a session when over the connection limit: accept, answer, close.
const std::string& busy_response() {
    static const std::string r = [] {
        // Written by hand (no session to send it): the status line must be the code's.
        static_assert(http_status_of(WireError::Unavailable) == 503);
        const std::string body =
            json_error_body(WireError::Unavailable, "too many connections: try again later");
        return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
               "Content-Length: " +
               std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    }();
    return r;
}

void reject_busy(int fd) {
    // Best effort, non-blocking: a slow reader of a refusal gets nothing more.
    const std::string& r = busy_response();
    (void)::send(fd, r.data(), r.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

template <class Protocol>
class AcceptLoop final : public Listener,
                         public std::enable_shared_from_this<AcceptLoop<Protocol>> {
  public:
    using Acceptor = typename Protocol::acceptor;

    AcceptLoop(std::shared_ptr<ServerContext> ctx, Acceptor acceptor, std::filesystem::path unlink)
        : ctx_(std::move(ctx)),
          acceptor_(std::move(acceptor)),
          retry_(ctx_->io),
          unlink_(std::move(unlink)) {
        error_code ec;
        // accept_connection must come back with EAGAIN when nothing is pending.
        acceptor_.non_blocking(true, ec);
        if constexpr (std::is_same_v<Protocol, tcp>) {
            // Every connection of a listener bound to one address has that local address:
            // known once here, instead of a getsockname per connection. A wildcard bind
            // (0.0.0.0, ::) still asks per connection.
            const auto bound = acceptor_.local_endpoint(ec);
            if (!ec && !bound.address().is_unspecified()) bound_ = bound;
            // Replies go out in one write and must not wait for Nagle. Set once here: an
            // accepted socket inherits TCP_NODELAY from its listener (Linux copies the
            // listener's TCP state into the child socket, the BSDs and macOS copy
            // TF_NODELAY), instead of one setsockopt per connection.
            // Test: ListenerNoDelayIsInheritedByAcceptedSockets.
            acceptor_.set_option(tcp::no_delay(true), ec);
            // Handed over only with its request (where the OS can): see session.cpp.
            platform::defer_accept_until_data(acceptor_.native_handle());
        }
    }

    ~AcceptLoop() override { remove_file(); }

    void start() override { wait_for_connections(); }

    void stop() override {
        error_code ignored;
        retry_.cancel();
        acceptor_.close(ignored);
        remove_file();
    }

    HttpEndpoint endpoint() const override {
        if constexpr (std::is_same_v<Protocol, tcp>) {
            error_code ec;
            const auto ep = acceptor_.local_endpoint(ec);
            if (!ec) return {ep.address().to_string(), ep.port()};
        }
        return {};
    }

  private:
    void remove_file() {
        if (unlink_.empty()) return;
        std::error_code ec;
        std::filesystem::remove(unlink_, ec);
        unlink_.clear();
    }

    // Connections are taken with accept_connection rather than asio's async_accept: the new
    // descriptor comes back non-blocking in one call and stays a bare descriptor until its
    // session has to wait (session.cpp), which saves the ioctl, the epoll registration and
    // its removal that an asio socket costs per connection.
    void wait_for_connections() {
        // Every pending connection was taken (EAGAIN) before this wait: the next edge of
        // asio's edge-triggered registration is a new connection, so none is left waiting.
        acceptor_.async_wait(Acceptor::wait_read,
                             recycled_handler([self = this->shared_from_this()](error_code ec) {
                                 self->on_ready(ec);
                             }));
    }

    void on_ready(error_code ec) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
        if (ec) return back_off();
        for (int i = 0; i < kAcceptBatch; ++i) {
            sockaddr_storage address{};
            socklen_t length = sizeof address;
            UniqueFd fd(platform::accept_connection(
                acceptor_.native_handle(), reinterpret_cast<sockaddr*>(&address), &length));
            if (!fd) {
                const int err = errno;
                if (err == EAGAIN || err == EWOULDBLOCK) return wait_for_connections();
                // Gone before we took it, or interrupted: take the next one.
                if (err == ECONNABORTED || err == EINTR || err == EPROTO) continue;
                return back_off();  // EMFILE and friends
            }
            if (!ctx_->draining) admit(std::move(fd), address, length);
        }
        // A full batch: let the other connections' handlers run, then take more.
        asio::post(ctx_->io,
                   recycled_handler([self = this->shared_from_this()] { self->on_ready({}); }));
    }

    // EMFILE and friends: back off briefly instead of spinning on the error.
    void back_off() {
        retry_.expires_after(std::chrono::milliseconds(100));
        retry_.async_wait([self = this->shared_from_this()](error_code e) {
            if (!e) self->wait_for_connections();
        });
    }

    // The wait (and the batch continuation) in a recycled block: asio's own per-thread cache
    // keeps only two blocks, which the connections' operations take.
    template <class Handler>
    static auto recycled_handler(Handler h) {
        return asio::bind_allocator(RecyclingAllocator<char>{}, std::move(h));
    }

    void refuse_busy(int fd) {
        reject_busy(fd);
        ctx_->metrics.count_request(EndpointKind::Other, 503);
    }

    void admit(UniqueFd fd, const sockaddr_storage& address, socklen_t length) {
        const auto& limits = ctx_->limits;
        PeerInfo peer;
        peer.fd = fd.get();
        if constexpr (std::is_same_v<Protocol, tcp>) {
            const std::size_t live = ctx_->tcp_connections;
            if (live >= limits.max_connections) return refuse_busy(fd.get());
            peer.transport = Transport::Tcp;
            // The peer's address came with the accept call itself: no getpeername.
            if (length > sizeof(sockaddr_storage)) return;
            std::memcpy(peer.remote.data(), &address, length);
            peer.remote.resize(length);
            if (bound_) {
                peer.local = *bound_;
            } else {
                sockaddr_storage local{};
                socklen_t local_length = sizeof local;
                if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &local_length) !=
                    0)
                    return;  // already gone
                std::memcpy(peer.local.data(), &local, local_length);
                peer.local.resize(local_length);
            }
            peer.loopback = is_loopback(peer.remote.address());
            peer.allowed = peer.loopback || any_contains(ctx_->allow, peer.remote.address());
            if (live >= limits.max_other_uid_connections) {
                // The shared part of the budget is used up: only our own user's loopback
                // sockets get the rest. Looked up only now, so the common case costs nothing;
                // kept for the IMDS check, which would ask the same.
                if (peer.loopback) {
                    const auto uid = tcp_peer_uid(peer.local, peer.remote);
                    peer.tcp_uid = uid ? static_cast<long long>(*uid) : -1;
                }
                if (!peer.tcp_uid || *peer.tcp_uid != static_cast<long long>(ctx_->uid))
                    return refuse_busy(fd.get());
            }
        } else {
            (void)address;
            (void)length;
            if (ctx_->control_connections >= limits.max_control_connections)
                return refuse_busy(fd.get());
            peer.transport = Transport::Control;
            const auto uid = unix_peer_uid(peer.fd);
            peer.allowed = uid && *uid == ctx_->uid;
            if (auto pid = unix_peer_pid(peer.fd)) peer.pid = *pid;
        }
        start_session(ctx_, std::move(fd), std::move(peer));
    }

    std::shared_ptr<ServerContext> ctx_;
    Acceptor acceptor_;
    asio::steady_timer retry_;
    std::filesystem::path unlink_;
    std::optional<tcp::endpoint> bound_;  // the listener's own address, unless a wildcard
};

Error socket_error(const std::string& what, const error_code& ec) {
    return Error::make(ErrorCode::Io, what + ": " + ec.message());
}

// The port is taken. Another user holding it is the squatting attack of docs/security.md:
// SDKs configured for this port would send it their token, so say so loudly and name them.
Error port_taken_error(const std::string& where, const tcp::endpoint& ep, const error_code& ec) {
    auto owners = tcp_listener_uids(ep);
    if (!owners || owners->empty())
        return socket_error(where, ec);  // not listening (yet), or we cannot tell
    const uid_t me = ::geteuid();
    for (uid_t uid : *owners) {
        if (uid == me) continue;
        return Error::make(
            ErrorCode::Forbidden,
            where + ": it is held by another user, " + user_label(uid) +
                ". WARNING: the port may be hijacked: SDKs configured with `ssocred env` "
                "for it would send that user their endpoint token and take any credentials "
                "it serves. Refusing to start. Stop that process (or ask an administrator), "
                "then start ssocredd again; socket activation keeps the port held while "
                "ssocredd is down (docs/security.md, \"Port squatting\")");
    }
    return Error::make(ErrorCode::Io, where + ": " + ec.message() +
                                          " by another process of yours (another ssocredd?)");
}

}  // namespace

Expected<tcp::endpoint> parse_listen_address(std::string_view text) {
    const auto bad = [&](const char* why) {
        return Error::make(ErrorCode::Invalid, "invalid --listen '" + std::string(text) +
                                                   "': " + why +
                                                   " (expected e.g. 127.0.0.1:0 or [::1]:8080)");
    };
    std::string_view host;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            return bad("missing ]:PORT");
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) return bad("missing :PORT");
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) return bad("IPv6 addresses need brackets");
    }
    unsigned p = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (port.empty() || ec != std::errc{} || ptr != port.data() + port.size() || p > 65535) {
        return bad("bad port");
    }
    if (host == "localhost") host = "127.0.0.1";
    error_code aec;
    const auto addr = asio::ip::make_address(std::string(host), aec);
    if (aec) return bad("not an IP address");
    return tcp::endpoint(addr, static_cast<unsigned short>(p));
}

Expected<std::shared_ptr<Listener>> make_tcp_listener(const std::shared_ptr<ServerContext>& ctx,
                                                      const tcp::endpoint& ep) {
    tcp::acceptor acceptor(ctx->io);
    error_code ec;
    const std::string where =
        "cannot listen on " + ep.address().to_string() + ":" + std::to_string(ep.port());
    if (acceptor.open(ep.protocol(), ec); ec) return socket_error(where, ec);
    if (acceptor.set_option(tcp::acceptor::reuse_address(true), ec); ec)
        return socket_error(where, ec);
    if (acceptor.bind(ep, ec); ec) {
        if (ec == asio::error::address_in_use) return port_taken_error(where, ep, ec);
        return socket_error(where, ec);
    }
    if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
        if (ec == asio::error::address_in_use) return port_taken_error(where, ep, ec);
        return socket_error(where, ec);
    }
    auto l = std::make_shared<AcceptLoop<tcp>>(ctx, std::move(acceptor), std::filesystem::path{});
    return std::shared_ptr<Listener>(std::move(l));
}

Expected<std::shared_ptr<Listener>> adopt_tcp_listener(const std::shared_ptr<ServerContext>& ctx,
                                                       int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0 ||
        (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)) {
        return Error::make(ErrorCode::Invalid, "the activated 'http' socket is not a TCP socket");
    }
    error_code ec;
    tcp::acceptor acceptor(ctx->io);
    acceptor.assign(ss.ss_family == AF_INET ? tcp::v4() : tcp::v6(), fd, ec);
    if (ec) return socket_error("cannot adopt the activated 'http' socket", ec);
    auto l = std::make_shared<AcceptLoop<tcp>>(ctx, std::move(acceptor), std::filesystem::path{});
    return std::shared_ptr<Listener>(std::move(l));
}

Expected<std::shared_ptr<Listener>> make_unix_listener(const std::shared_ptr<ServerContext>& ctx,
                                                       const std::filesystem::path& path) {
    if (path.native().size() >= sizeof(sockaddr_un{}.sun_path)) {
        return Error::make(ErrorCode::Invalid, "the socket path " + path.string() +
                                                   " is too long: choose a shorter --socket");
    }
    // Every directory on the way is checked, not only the last (a squatted
    // /tmp/ssocred-<uid> would let another user swap the socket's directory later), and
    // what is missing is created 0700.
    if (auto st = prepare_private_dir(path.parent_path()); !st) {
        return Error::make(st.error().code, "cannot use the control socket " + path.string() +
                                                ": " + st.error().message);
    }
    error_code ec;
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            return Error::make(ErrorCode::Io, path.string() + " exists and is not a socket");
        }
        // A live daemon answers; a stale file from a crash refuses the connection.
        unix_proto::socket probe(ctx->io);
        probe.connect(unix_proto::endpoint(path.string()), ec);
        if (!ec) {
            return Error::make(ErrorCode::Io,
                               "another ssocredd is already listening on " + path.string());
        }
        std::filesystem::remove(path);
    }
    unix_proto::acceptor acceptor(ctx->io);
    const std::string where = "cannot listen on " + path.string();
    if (acceptor.open(unix_proto(), ec); ec) return socket_error(where, ec);
    if (acceptor.bind(unix_proto::endpoint(path.string()), ec); ec) return socket_error(where, ec);
    // The directory is already 0700; 0600 on the socket is the second fence.
    if (::chmod(path.c_str(), 0600) != 0) {
        std::filesystem::remove(path);
        return Error::make(ErrorCode::Io, "cannot chmod " + path.string());
    }
    if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
        std::filesystem::remove(path);
        return socket_error(where, ec);
    }
    auto l = std::make_shared<AcceptLoop<unix_proto>>(ctx, std::move(acceptor), path);
    return std::shared_ptr<Listener>(std::move(l));
}

Expected<std::shared_ptr<Listener>> adopt_unix_listener(const std::shared_ptr<ServerContext>& ctx,
                                                        int fd) {
    error_code ec;
    unix_proto::acceptor acceptor(ctx->io);
    acceptor.assign(unix_proto(), fd, ec);
    if (ec) return socket_error("cannot adopt the activated 'control' socket", ec);
    auto l =
        std::make_shared<AcceptLoop<unix_proto>>(ctx, std::move(acceptor), std::filesystem::path{});
    return std::shared_ptr<Listener>(std::move(l));
}

}  // namespace ssocred::serve
