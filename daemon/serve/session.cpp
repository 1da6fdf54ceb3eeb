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
// - A connection costs no heap allocation once the daemon is warm (Connection: close
//   clients pay for a whole connection per request): the session object, its read buffer,
//   its response head and the request's header list all come from the per-thread free lists
//   of recycling_allocator.hpp, as the parser's header fields do.
#include "serve/session.hpp"

#include <array>
#include <charconv>
#include <optional>

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include "serve/recycling_allocator.hpp"

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
constexpr std::size_t kLingerBytes = 64 * 1024;

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
    Session(std::shared_ptr<ServerContext> ctx, Socket socket, PeerInfo peer)
        : ctx_(std::move(ctx)),
          socket_(std::move(socket)),
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
        // (one recv; the socket goes non-blocking here, as the first asynchronous operation
        // would make it anyway). Bytes received: parse at once, with the header timeout from
        // now, as after a readiness wait. Nothing yet: wait as an idle connection does.
        if (ctx_->draining) return close();
        error_code ec;
        socket_.non_blocking(true, ec);
        if (ec) return close();
        const std::size_t n = socket_.read_some(buffer_.prepare(kFirstRead), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) return read_next();
        if (ec) return close();  // EOF before a request, or a socket error
        buffer_.commit(n);
        first_read_ = n;
        on_readable({});
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
        arm(Deadlines::Lane::Header);
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(ctx_->limits.max_header_bytes));
        parser_->body_limit(body_limit());
        http::async_read(
            socket_, buffer_, *parser_,
            recycled([self = this->shared_from_this()](error_code e, std::size_t parsed) {
                self->on_read(e, parsed);
            }));
    }

    void on_read(error_code ec, std::size_t parsed) {
        if (state_ == State::Closed) return;
        disarm();
        // The whole first request came in the first read, and that read did not fill its
        // buffer: the socket had nothing more at that moment (see on_write).
        drained_ = first_read_ != 0 && first_read_ < kFirstRead && parsed == first_read_;
        first_read_ = 0;
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

        state_ = State::Writing;
        arm(Deadlines::Lane::Write);
        const std::array<asio::const_buffer, 2> buffers{
            asio::buffer(head_), head_only_ ? asio::const_buffer{} : asio::buffer(body)};
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
            error_code aec;
            const bool unread =
                buffer_.size() != 0 || (!drained_ && (socket_.available(aec) != 0 || aec));
            if (server_closes || unread) return linger();
            return close();
        }
        read_next();
    }

    // Half-close and discard what the client still sends for a moment, so our last reply
    // reaches it instead of being destroyed by a reset.
    void linger() {
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
        socket_.close(ignored);
    }

    std::shared_ptr<ServerContext> ctx_;
    Socket socket_;
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
    std::size_t first_read_ = 0;        // bytes of a new connection's first read, until parsed
    bool drained_ = false;              // the current request left the socket empty (on_read)
    Deadlines::Entry deadline_{*this};  // after ctx_, which keeps the Deadlines alive
};

}  // namespace

namespace {

// The session and its shared_ptr control block in one recycled block.
template <class Socket>
void make_and_start(const std::shared_ptr<ServerContext>& ctx, Socket socket, PeerInfo peer) {
    using S = Session<Socket>;
    std::allocate_shared<S>(RecyclingAllocator<S>{}, ctx, std::move(socket), std::move(peer))
        ->start();
}

}  // namespace

void start_session(const std::shared_ptr<ServerContext>& ctx, asio::ip::tcp::socket socket,
                   PeerInfo peer) {
    make_and_start(ctx, std::move(socket), std::move(peer));
}

void start_session(const std::shared_ptr<ServerContext>& ctx,
                   asio::local::stream_protocol::socket socket, PeerInfo peer) {
    make_and_start(ctx, std::move(socket), std::move(peer));
}

}  // namespace ssocred::serve
