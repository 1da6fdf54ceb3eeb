// Starting an HTTP session on an accepted connection. Beast lives only in session.cpp.
#pragma once

#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include "serve/peer.hpp"
#include "serve/server_context.hpp"

namespace ssocred::serve {

void start_session(const std::shared_ptr<ServerContext>& ctx, boost::asio::ip::tcp::socket socket,
                   PeerInfo peer);
void start_session(const std::shared_ptr<ServerContext>& ctx,
                   boost::asio::local::stream_protocol::socket socket, PeerInfo peer);

}  // namespace ssocred::serve
