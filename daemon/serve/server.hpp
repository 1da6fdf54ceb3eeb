// Server: the serving plane as one object - the container and IMDS endpoints on every TCP
// listener, the control socket, limits, and who may connect (docs/endpoints.md).
//
// Single-threaded: construct, start() and stop() on the thread that runs `io`; every
// callback into CredentialSource and ControlHandler happens on that thread. Beast stays
// behind this header. Destroy the Server after stop(); connections still finishing keep
// the shared state they need alive on their own.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "ssocred/expected.hpp"

#include "creds/credential_source.hpp"
#include "serve/control_handler.hpp"
#include "serve/endpoint_tokens.hpp"
#include "serve/metrics.hpp"
#include "serve/server_options.hpp"

namespace boost::asio {
class io_context;
}

namespace ssocred::serve {

class Server {
  public:
    Server(boost::asio::io_context& io, ServerOptions options, CredentialSource& source,
           EndpointTokens& tokens, ControlHandler& control, Metrics& metrics);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds every --listen address and the control socket, adopts activated sockets
    // ("http" -> TCP listener, "control" -> control socket; an adopted control socket
    // replaces socket_path), and starts accepting. A non-loopback --listen without
    // --allow-cidr is an Invalid error. On error nothing stays bound.
    Expected<BoundEndpoints> start();

    // Drains: stops accepting (removing the control socket file it created), closes idle
    // connections now and the others once their response is written. Returns at once;
    // the loop runs out of work when the last connection is gone, and `on_drained` (if
    // given) is called on the loop then: at once when no connection is open. A later
    // stop() replaces it; the destructor drops it uncalled.
    void stop(std::function<void()> on_drained = {});

    const BoundEndpoints& endpoints() const noexcept;
    std::size_t connection_count() const noexcept;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ssocred::serve
