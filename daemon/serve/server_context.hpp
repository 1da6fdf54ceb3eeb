// The state every listener and session of one Server shares (internal to serve/).
#pragma once

#include <cstddef>
#include <functional>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "serve/cidr.hpp"
#include "serve/container_handler.hpp"
#include "serve/deadlines.hpp"
#include "serve/imds_handler.hpp"
#include "serve/imds_tokens.hpp"
#include "serve/metrics.hpp"
#include "serve/peer.hpp"
#include "serve/recycling_allocator.hpp"
#include "serve/router.hpp"
#include "serve/server_options.hpp"

namespace ssocred::serve {

// How long a connection closing after an error reply keeps reading (and discarding) what
// the client still sends, so that the reply is not destroyed by a reset.
inline constexpr std::chrono::milliseconds kLingerTimeout{1000};

// A live connection, as the Server sees it: enough to drain it.
class Connection {
  public:
    virtual ~Connection() = default;
    // Stop reading: idle connections close now, busy ones after their response.
    virtual void drain() = 0;
};

// Shared (shared_ptr) by the Server, its listeners and every session, so a session that
// outlives the Server object (a callback still in flight) never touches freed memory.
struct ServerContext {
    ServerContext(boost::asio::io_context& io_, const ServerOptions& options, const Clock& clock,
                  CredentialSource& source, EndpointTokens& tokens, ControlHandler& control,
                  Metrics& metrics_, uid_t uid_)
        : io(io_),
          limits(options.limits),
          metrics(metrics_),
          uid(uid_),
          imds_tokens(clock, options.limits.max_imds_tokens),
          container(source, tokens),
          imds(source, imds_tokens, options.imds_v1, clock),
          router(io_.get_executor(), container, imds, control, uid_, options.imds_require_same_uid),
          deadlines(io_, {options.limits.header_timeout, options.limits.write_timeout,
                          options.limits.idle_timeout, kLingerTimeout}) {}

    boost::asio::io_context& io;
    ServerLimits limits;
    Metrics& metrics;
    std::vector<Cidr> allow;
    uid_t uid;
    ImdsTokens imds_tokens;
    ContainerHandler container;
    ImdsHandler imds;
    Router router;
    Deadlines deadlines;  // every session's deadline, on one timer
    bool draining = false;
    // Each session registers for its lifetime; the nodes are recycled blocks, so that
    // registering a connection allocates nothing once the daemon is warm.
    std::unordered_set<Connection*, std::hash<Connection*>, std::equal_to<Connection*>,
                       RecyclingAllocator<Connection*>>
        connections;
    // Live sessions by transport (the budgets of ServerLimits), kept with `connections`.
    std::size_t tcp_connections = 0;
    std::size_t control_connections = 0;
    std::size_t& open_count(Transport t) noexcept {
        return t == Transport::Control ? control_connections : tcp_connections;
    }
    // Server::stop's callback: called once, when a draining server's last connection is gone
    // (each session calls this as it unregisters).
    std::function<void()> on_drained;
    void drained_if_idle() {
        if (draining && connections.empty() && on_drained) std::exchange(on_drained, nullptr)();
    }
};

}  // namespace ssocred::serve
