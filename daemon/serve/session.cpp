// One HTTP/1.1 connection: read a request, route it, write the reply, repeat.
//
// Why it is shaped this way:
// - Requests are handled strictly one at a time; the next one is not parsed before the
//   reply to the current one is written, so pipelined requests are answered in order.
// - An idle keep-alive connection waits for readability (async_wait) rather than a read,
//   holds no parser and at most a small buffer, and has one timer armed at the idle
//   deadline: 10,000 idle connections cost memory for their sockets and nothing else.
// - From the first byte of a request to its end, the header timeout applies (slowloris).
// - Deadlines cost no timer operation: every connection's deadline is a node in the
//   server's Deadlines (deadlines.hpp), FIFO lanes under one lazy timer. Setting, moving or
//   clearing a deadline is a few pointer operations, so neither a keep-alive request nor a
//   whole `Connection: close` connection arms, cancels or runs a timer of its own.
// - Errors the client caused get a JSON reply and a lingering close (half-close, drain for
//   a moment), so the reply is not lost to a TCP reset. A close the client asked for
//   (Connection: close, HTTP/1.0) with nothing more received closes at once, as nginx does:
//   there is nothing unread that could turn the close into a reset.
// - A connection meets the reactor (epoll/kqueue) only when it has to wait. The listener
//   hands over a bare non-blocking descriptor; the first read, the parse, a reply the router
//   gives at once and the close are plain system calls on it. Only a connection that must
//   wait (nothing sent yet, a request still coming, a reply computed later, a full send
//   buffer, a keep-alive connection's next request, a lingering close) is handed to asio,
//   once. So a `Connection: close` request costs accept4, recv, sendmsg and close, without
//   the epoll registration and removal and the FIONBIO that asio adds (docs/performance.md).
// - A connection costs no heap allocation once the daemon is warm (Connection: close
//   clients pay for a whole connection per request): the session object, its read buffer,
//   its response head and the request's header list all come from the per-thread free lists
//   of recycling_allocator.hpp, as the parser's header fields do.
#include "serve/session.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <optional>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include "platform/connection_io.hpp"
#include "serve/recycling_allocator.hpp"
#include "store/unique_fd.hpp"

namespace ssocred::serve {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr std::size_t kKeepBufferCapacity = 4096;
// The first read of a new connection: a typical request (150-300 bytes) in one recv; a
// recycled size class. Larger requests are read on by the parser as usual.
constexpr std::size_t kFirstRead = 1024;
// Room for a response head without growing: status line, the fixed headers and a few more.
constexpr std::size_t kHeadCapacity = 256;
constexpr std::size_t kLingerBytes = std::size_t{64} * 1024;

using Buffer = boost::beast::basic_flat_buffer<RecyclingAllocator<char>>;
using Head = std::basic_string<char, std::char_traits<char>, RecyclingAllocator<char>>;

void append_number(Head& out, std::size_t v) {
    char buf[24];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
}

// A completion whose asynchronous operation is allocated from the recycling free lists:
// asio's own per-thread cache holds two blocks, too few for a loop with many connections
// in flight, so without this operations fell back to malloc under load.
template <class Handler>
auto recycled(Handler h) {
    return asio::bind_allocator(RecyclingAllocator<char>{}, std::move(h));
}

bool is_http_parse_error(const error_code& ec) {
    return ec.category() == http::make_error_code(http::error::bad_method).category();
}

template <class Socket>
class Session final : public Connection,
                      public Deadlines::Owner,
                      public std::enable_shared_from_this<Session<Socket>> {
  public:
    Session(std::shared_ptr<ServerContext> ctx, UniqueFd fd, PeerInfo peer)
        : ctx_(std::move(ctx)),
          fd_(std::move(fd)),
          socket_(ctx_->io),
          peer_(std::move(peer)),
          buffer_(ctx_->limits.max_header_bytes + body_limit() + 16 * 1024) {
        head_.reserve(kHeadCapacity);
        request_.headers.reserve(kTypicalHeaders);
    }

    ~Session() override {
        if (ctx_->connections.erase(this) != 0) --ctx_->open_count(peer_.transport);
        ctx_->drained_if_idle();
    }

    void start() {
        if (ctx_->connections.insert(this).second) ++ctx_->open_count(peer_.transport);
        // A client usually sends its request right behind the handshake: try to read it now
        // (one recv on the non-blocking descriptor). Bytes received: parse them here. Nothing
        // yet: wait as an idle connection does.
        if (ctx_->draining) return close();
        const auto room = buffer_.prepare(kFirstRead);
        const ssize_t n = ::recv(fd_.get(), room.data(), room.size(), 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return read_next();
        if (n <= 0) return close();  // EOF before a request, or a socket error
        buffer_.commit(static_cast<std::size_t>(n));
        parse_first(static_cast<std::size_t>(n));
    }

    void drain() override {
        if (state_ == State::Idle || state_ == State::Reading) close();
    }

  private:
    enum class State { Idle, Reading, Busy, Writing, Lingering, Closed };
    static constexpr std::size_t kTypicalHeaders = 8;

    std::size_t body_limit() const {
        return peer_.transport == Transport::Control ? ctx_->limits.max_control_body
                                                     : ctx_->limits.max_http_body;
    }

    // The current operation must finish within its lane's length (header, write, idle or
    // linger timeout) from now, else the connection closes.
    void arm(Deadlines::Lane lane) { ctx_->deadlines.set(deadline_, lane); }

    // No deadline (waiting for the credential engine, or done).
    void disarm() { ctx_->deadlines.clear(deadline_); }

    // The connection is about to wait: hand its descriptor to asio's reactor (once).
    // False when that failed; the connection is closed then.
    bool adopt() {
        if (socket_.is_open()) return true;
        error_code ec;
        if constexpr (std::is_same_v<Socket, asio::ip::tcp::socket>) {
            socket_.assign(peer_.local.protocol(), fd_.get(), ec);
        } else {
            socket_.assign(typename Socket::protocol_type(), fd_.get(), ec);
        }
        if (ec) {
            close();
            return false;
        }
        fd_.release();  // the socket owns it now
        return true;
    }

    // The reply being written is the connection's last, and the close after it will not
    // linger: known without asking the kernel (on_write asks when this cannot tell).
    bool closes_at_once() const {
        return close_after_ && !reply_.close && drained_ && buffer_.size() == 0;
    }

    int native_fd() { return socket_.is_open() ? socket_.native_handle() : fd_.get(); }

    // Bytes received and not read yet; an error counts as "something".
    bool unread_in_kernel() {
        int n = 0;
        return ::ioctl(native_fd(), FIONREAD, &n) != 0 || n != 0;
    }

    // The first request of a connection, all in its first read (the usual case): parsed here,
    // without the reactor. A request that needs more bytes goes on as an asynchronous read.
    void parse_first(std::size_t first_read) {
        state_ = State::Reading;
        start_parser();
        parser_->eager(true);
        error_code ec;
        while (!parser_->is_done() && buffer_.size() != 0) {
            const std::size_t used = parser_->put(buffer_.data(), ec);
            buffer_.consume(used);
            if (ec || used == 0) break;
        }
        if (ec == http::error::need_more) ec = {};
        if (ec || parser_->is_done()) {
            // The read did not fill its room and the request took all of it: the socket had
            // nothing more at that moment (see on_write).
            drained_ = !ec && first_read < kFirstRead && buffer_.size() == 0;
            return on_read(ec);
        }
        read_rest();
    }

    void start_parser() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(ctx_->limits.max_header_bytes));
        parser_->body_limit(body_limit());
    }

    void read_rest() {
        if (!adopt()) return;
        arm(Deadlines::Lane::Header);
        http::async_read(socket_, buffer_, *parser_,
                         recycled([self = this->shared_from_this()](error_code e, std::size_t) {
                             self->on_read(e);
                         }));
    }

    void deadline_passed() override {
        // The pending operation holds the session; closing aborts it (its handler runs later).
        if (state_ != State::Closed) close();
    }

    void read_next() {
        if (state_ == State::Closed) return;
        if (ctx_->draining) return close();
        parser_.reset();
        if (buffer_.size() == 0) {
            if (buffer_.capacity() > kKeepBufferCapacity) buffer_.shrink_to_fit();
            if (!adopt()) return;
            state_ = State::Idle;
            arm(Deadlines::Lane::Idle);
            socket_.async_wait(Socket::wait_read,
                               recycled([self = this->shared_from_this()](error_code ec) {
                                   self->on_readable(ec);
                               }));
        } else {
            on_readable({});  // pipelined bytes already buffered
        }
    }

    void on_readable(error_code ec) {
        if (state_ == State::Closed) return;
        if (ec) return close();
        state_ = State::Reading;
        drained_ = false;
        start_parser();
        read_rest();
    }

    void on_read(error_code ec) {
        if (state_ == State::Closed) return;
        disarm();
        if (ec) {
            if (ec == http::error::header_limit) {
                return fail(WireError::RequestHeaderFieldsTooLarge,
                            "the request headers are larger than 8 KiB");
            }
            if (ec == http::error::body_limit) {
                return fail(WireError::PayloadTooLarge, "the request body is too large");
            }
            if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
                !is_http_parse_error(ec)) {
                return close();  // the client went away, or a socket error / timeout
            }
            return fail(WireError::Invalid, "malformed HTTP request");
        }
        const auto& m = parser_->get();
        const std::string_view target = m.target();
        if (target.empty() || target.front() != '/') {
            return fail(WireError::Invalid, "the request target must be an absolute path");
        }
        request_.method = m.method_string();
        request_.target = target;
        const auto q = target.find('?');
        request_.path = target.substr(0, q);
        request_.query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
        // "//latest/..." from Java's string concatenation means "/latest/...".
        while (request_.path.size() > 1 && request_.path[1] == '/') request_.path.remove_prefix(1);
        request_.headers.clear();
        for (const auto& field : m)
            request_.headers.emplace_back(field.name_string(), field.value());
        request_.body = m.body();
        request_.version = m.version();
        request_.peer_pid = peer_.pid;
        if (const auto defect = framing_defect(request_)) {
            return fail(defect->code, defect->message);
        }
        keep_alive_ = m.keep_alive();
        head_only_ = request_.method == "HEAD";
        state_ = State::Busy;
        kind_ = Router::classify(request_, peer_);
        auto send_reply = [self = this->shared_from_this()](Reply r) { self->send(std::move(r)); };
        static_assert(ReplyFn::fits_inline<decltype(send_reply)>,
                      "handing back a reply must not allocate a completion");
        ctx_->router.route(request_, peer_, std::move(send_reply));
    }

    // A request refused before routing: the code's own status, and the connection closes.
    void fail(WireError code, std::string_view message) {
        state_ = State::Busy;
        kind_ = EndpointKind::Other;
        keep_alive_ = false;
        head_only_ = false;
        Reply r = Reply::error(code, message);
        r.close = true;
        send(std::move(r));
    }

    void send(Reply reply) {
        if (state_ != State::Busy) return;  // closed meanwhile, or a second call
        reply_ = std::move(reply);
        close_after_ = reply_.close || !keep_alive_ || ctx_->draining;
        ctx_->metrics.count_request(kind_, reply_.status);

        const std::string_view body = reply_.body();
        head_.clear();
        head_ += "HTTP/1.1 ";
        append_number(head_, reply_.status);
        head_.push_back(' ');
        head_ += http::obsolete_reason(static_cast<http::status>(reply_.status));
        head_ += "\r\nContent-Type: ";
        head_ += reply_.type();
        head_ += "\r\nContent-Length: ";
        append_number(head_, body.size());
        // Credentials must not be cached by anything in between; nothing is a page.
        head_ += "\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n";
        head_ += reply_.extra_headers;
        if (close_after_) head_ += "Connection: close\r\n";
        head_ += "\r\n";

        const std::string_view sent_body = head_only_ ? std::string_view{} : body;
        std::size_t sent = 0;
        if (!socket_.is_open()) {
            // Not handed to the reactor yet: try the whole reply in one call, as a first reply
            // usually fits the socket's send buffer. What does not fit is written on below.
            std::array<iovec, 2> iov{iovec{head_.data(), head_.size()},
                                     iovec{const_cast<char*>(sent_body.data()), sent_body.size()}};
            msghdr msg{};
            msg.msg_iov = iov.data();
            msg.msg_iovlen = sent_body.empty() ? 1 : 2;
            const ssize_t n = platform::send_reply(fd_.get(), msg, closes_at_once());
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                return on_write(error_code(errno, boost::system::system_category()));
            sent = n < 0 ? 0 : static_cast<std::size_t>(n);
            if (sent == head_.size() + sent_body.size()) return on_write({});
            if (!adopt()) return;
        }
        state_ = State::Writing;
        arm(Deadlines::Lane::Write);
        const std::size_t head_sent = std::min(sent, head_.size());
        const std::array<asio::const_buffer, 2> buffers{
            asio::buffer(head_) + head_sent, asio::buffer(sent_body) + (sent - head_sent)};
        asio::async_write(socket_, buffers,
                          recycled([self = this->shared_from_this()](error_code ec, std::size_t) {
                              self->on_write(ec);
                          }));
    }

    void on_write(error_code ec) {
        if (state_ == State::Closed) return;
        disarm();
        const bool server_closes = reply_.close;
        reply_ = Reply{};  // releases the credentials the body pointed into
        if (ec) return close();
        if (close_after_) {
            // Linger only when something unread could make close() send a reset: an error
            // reply (the client may still be sending), or bytes already received. When the
            // request was all of a first read that left the socket empty, nothing else was
            // received then; asking the kernel again (FIONREAD) is skipped, as nginx does:
            // a client that said "close" sends nothing more (RFC 9112 §9.6).
            const bool unread = buffer_.size() != 0 || (!drained_ && unread_in_kernel());
            if (server_closes || unread) return linger();
            return close();
        }
        read_next();
    }

    // Half-close and discard what the client still sends for a moment, so our last reply
    // reaches it instead of being destroyed by a reset.
    void linger() {
        if (!adopt()) return;
        state_ = State::Lingering;
        parser_.reset();
        error_code ignored;
        socket_.shutdown(Socket::shutdown_send, ignored);
        arm(Deadlines::Lane::Linger);
        discard();
    }

    void discard() {
        buffer_.consume(buffer_.size());
        socket_.async_read_some(buffer_.prepare(1024),
                                [self = this->shared_from_this()](error_code ec, std::size_t n) {
                                    if (self->state_ == State::Closed) return;
                                    self->lingered_ += n;
                                    if (ec || self->lingered_ > kLingerBytes) return self->close();
                                    self->discard();
                                });
    }

    void close() {
        if (state_ == State::Closed) return;
        state_ = State::Closed;
        error_code ignored;
        disarm();
        // close() alone sends the FIN: the session is the only holder of the descriptor
        // (SOCK_CLOEXEC, never duplicated), so a shutdown first would be one more syscall.
        if (socket_.is_open()) {
            socket_.close(ignored);
        } else {
            fd_.reset();
        }
    }

    std::shared_ptr<ServerContext> ctx_;
    UniqueFd fd_;    // the descriptor until adopt() hands it to socket_
    Socket socket_;  // open once the connection has had to wait
    PeerInfo peer_;  // before buffer_: its size depends on the transport
    Buffer buffer_;
    // Header fields in recycled blocks: a warm connection plane parses without malloc.
    std::optional<http::request_parser<http::string_body, RecyclingAllocator<char>>> parser_;
    Request request_;
    Reply reply_;
    Head head_;
    State state_ = State::Idle;
    EndpointKind kind_ = EndpointKind::Other;
    bool keep_alive_ = true;
    bool head_only_ = false;
    bool close_after_ = false;
    std::size_t lingered_ = 0;
    bool drained_ = false;              // the first request left the socket empty (parse_first)
    Deadlines::Entry deadline_{*this};  // after ctx_, which keeps the Deadlines alive
};

}  // namespace

namespace {

// The session and its shared_ptr control block in one recycled block.
template <class Socket>
void make_and_start(const std::shared_ptr<ServerContext>& ctx, UniqueFd fd, PeerInfo peer) {
    using S = Session<Socket>;
    std::allocate_shared<S>(RecyclingAllocator<S>{}, ctx, std::move(fd), std::move(peer))->start();
}

}  // namespace

void start_session(const std::shared_ptr<ServerContext>& ctx, UniqueFd fd, PeerInfo peer) {
    if (peer.transport == Transport::Control) {
        make_and_start<asio::local::stream_protocol::socket>(ctx, std::move(fd), std::move(peer));
    } else {
        make_and_start<asio::ip::tcp::socket>(ctx, std::move(fd), std::move(peer));
    }
}

}  // namespace ssocred::serve
