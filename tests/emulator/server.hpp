// The HTTP/1.1 server: Boost.Beast on one io_context thread, keep-alive, optional TLS.
// Beast rather than a higher-level server because fault injection needs the socket itself
// (RST on close, a body cut short of its Content-Length).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "router.hpp"

namespace emu {

namespace asio = boost::asio;

class Server {
  public:
    // Binds at once, so the caller can print the real port before running the loop.
    // `tls` may be null (plain HTTP); it must outlive the server.
    Server(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, Router& router,
           asio::ssl::context* tls);

    asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
    // Starts accepting; connections are served until stop() or the io_context stops.
    void start();
    void stop();

  private:
    asio::ip::tcp::acceptor acceptor_;
    Router& router_;
    asio::ssl::context* tls_;
};

}  // namespace emu
