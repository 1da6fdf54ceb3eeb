// Starting an HTTP session on an accepted connection. Beast lives only in session.cpp.
#pragma once

#include <memory>

#include "serve/peer.hpp"
#include "serve/server_context.hpp"
#include "store/unique_fd.hpp"

namespace ssocred::serve {

// `fd`: a connection just accepted (non-blocking, close-on-exec: platform/accept_connection);
// `peer.transport` says whether it is a TCP or a control connection.
void start_session(const std::shared_ptr<ServerContext>& ctx, UniqueFd fd, PeerInfo peer);

}  // namespace ssocred::serve
