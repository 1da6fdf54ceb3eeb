// Listeners: accept loops for TCP (--listen, or an adopted "http" fd) and for the unix
// control socket (--socket, or an adopted "control" fd). Each accepted connection gets its
// PeerInfo (allowed or not, loopback, uid) and a session.
#pragma once

#include <filesystem>
#include <memory>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>

#include "ssocred/expected.hpp"

#include "serve/server_context.hpp"

namespace ssocred::serve {

class Listener {
  public:
    virtual ~Listener() = default;
    virtual void start() = 0;
    virtual void stop() = 0;  // stop accepting; already-accepted connections are unaffected
    virtual HttpEndpoint endpoint() const = 0;  // TCP: bound address and port
};

// "127.0.0.1:8080", "[::1]:0", "localhost:0" (= 127.0.0.1). IP literals only otherwise.
Expected<boost::asio::ip::tcp::endpoint> parse_listen_address(std::string_view text);

Expected<std::shared_ptr<Listener>> make_tcp_listener(const std::shared_ptr<ServerContext>& ctx,
                                                      const boost::asio::ip::tcp::endpoint& ep);
Expected<std::shared_ptr<Listener>> adopt_tcp_listener(const std::shared_ptr<ServerContext>& ctx,
                                                       int fd);
// Creates the parent directory (0700), refuses when another daemon answers on `path`,
// removes a stale socket file, binds, chmods 0600. The file is removed by stop().
Expected<std::shared_ptr<Listener>> make_unix_listener(const std::shared_ptr<ServerContext>& ctx,
                                                       const std::filesystem::path& path);
// An adopted socket's file belongs to its activator: stop() leaves it in place.
Expected<std::shared_ptr<Listener>> adopt_unix_listener(const std::shared_ptr<ServerContext>& ctx,
                                                        int fd);

}  // namespace ssocred::serve
