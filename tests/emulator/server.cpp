#include "server.hpp"

#include <iostream>
#include <sstream>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace emu {

namespace beast = boost::beast;
using asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
// Above the 64 KiB cap the service answers 413: no real request comes near it.
constexpr std::uint64_t kMaxBody = 64 * 1024;
constexpr std::uint32_t kMaxHeader = 16 * 1024;
constexpr auto kIdleTimeout = 60s;
constexpr auto kIoTimeout = 30s;

template <class Stream>
tcp::socket& socket_of(Stream& stream) {
    return beast::get_lowest_layer(stream).socket();
}

// RST instead of FIN: SO_LINGER with a zero timeout makes close() abort the connection,
// which clients see as "connection reset by peer".
template <class Stream>
void reset_connection(Stream& stream) {
    beast::error_code ec;
    socket_of(stream).set_option(asio::socket_base::linger(true, 0), ec);
    socket_of(stream).close(ec);
}

template <class Stream>
asio::awaitable<void> close_gracefully(Stream& stream) {
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
        beast::get_lowest_layer(stream).expires_after(2s);
        co_await stream.async_shutdown(kUseTuple);
    }
    beast::error_code ec;
    socket_of(stream).shutdown(tcp::socket::shutdown_send, ec);
    socket_of(stream).close(ec);
}

// The head and half of the body, under a Content-Length promising all of it (or 32
// bytes for an empty body), then the connection closes: a truncated transfer.
template <class Stream>
asio::awaitable<void> send_truncated(Stream& stream, Response& res) {
    const std::string body = res.body();
    if (body.empty()) res.content_length(32);
    std::ostringstream head;
    head << res.base();
    std::string bytes = head.str() + body.substr(0, body.size() / 2);
    beast::get_lowest_layer(stream).expires_after(kIoTimeout);
    co_await asio::async_write(stream, asio::buffer(bytes), kUseTuple);
    beast::error_code ec;
    socket_of(stream).shutdown(tcp::socket::shutdown_send, ec);
    socket_of(stream).close(ec);
}

template <class Stream>
asio::awaitable<void> serve(Stream& stream, Router& router) {
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(kMaxBody);
        parser.header_limit(kMaxHeader);
        beast::get_lowest_layer(stream).expires_after(kIdleTimeout);
        auto [ec, ignored_bytes] = co_await http::async_read(stream, buffer, parser, kUseTuple);
        if (ec) {
            // A request we cannot read still gets the service's error shape, then we hang up.
            std::optional<Response> reply;
            if (ec == http::error::body_limit) {
                reply = router.unreadable(parser.get(), http::status::payload_too_large,
                                          "Request body is too large");
            } else if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
                       ec != http::error::end_of_stream && ec != http::error::partial_message) {
                reply = router.unreadable(parser.get(), http::status::bad_request,
                                          "Malformed HTTP request");
            }
            if (reply) {
                beast::get_lowest_layer(stream).expires_after(kIoTimeout);
                co_await http::async_write(stream, *reply, kUseTuple);
                co_await close_gracefully(stream);
            }
            co_return;
        }
        (void)ignored_bytes;
        Outcome out = router.handle(parser.get());
        if (out.delay.count() > 0) {
            asio::steady_timer timer(co_await asio::this_coro::executor, out.delay);
            co_await timer.async_wait(kUseTuple);
        }
        if (out.delivery == Delivery::Reset) {
            reset_connection(stream);
            co_return;
        }
        if (out.delivery == Delivery::Truncate) {
            co_await send_truncated(stream, out.response);
            co_return;
        }
        beast::get_lowest_layer(stream).expires_after(kIoTimeout);
        auto [wec, written] = co_await http::async_write(stream, out.response, kUseTuple);
        if (wec) co_return;
        if (!out.response.keep_alive()) {
            co_await close_gracefully(stream);
            co_return;
        }
    }
}

asio::awaitable<void> run_connection(tcp::socket socket, Router& router, asio::ssl::context* tls) {
    try {
        if (tls) {
            beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls);
            beast::get_lowest_layer(stream).expires_after(kIoTimeout);
            auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kUseTuple);
            if (ec) co_return;  // a client that does not trust us, or not speaking TLS
            co_await serve(stream, router);
        } else {
            beast::tcp_stream stream(std::move(socket));
            co_await serve(stream, router);
        }
    } catch (const std::exception& e) {
        // One bad connection must never take the emulator down.
        std::cerr << "ssocred-emulator: connection error: " << e.what() << "\n";
    }
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, Router& router,
                                  asio::ssl::context* tls) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(kUseTuple);
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        if (ec) continue;  // e.g. EMFILE: keep serving the connections we have
        asio::co_spawn(acceptor.get_executor(), run_connection(std::move(socket), router, tls),
                       asio::detached);
    }
}

}  // namespace

Server::Server(asio::io_context& io, const tcp::endpoint& endpoint, Router& router,
               asio::ssl::context* tls)
    : acceptor_(io), router_(router), tls_(tls) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
}

void Server::start() {
    asio::co_spawn(acceptor_.get_executor(), accept_loop(acceptor_, router_, tls_), asio::detached);
}

void Server::stop() {
    beast::error_code ec;
    acceptor_.close(ec);
}

}  // namespace emu
