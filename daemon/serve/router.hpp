// Router: the one request pipeline for every transport. It applies the cross-cutting
// checks (peer allowed, browser defence, IMDS peer uid) and hands the request to the
// handler that owns the path, as aws-vault wraps its router - so handlers only do their job.
//
//   control socket: peer uid == ours (else 403) -> GET /healthz here, the rest -> ControlHandler
//   TCP:            peer allowed (else 403) -> browser guard (403) ->
//                   /v1/...   -> ContainerHandler (token is the gate)
//                   /latest/... -> loopback peer owned by our uid (Linux; else 403) -> ImdsHandler
//                   else 404
#pragma once

#include <string>
#include <sys/types.h>

#include <boost/asio/any_io_executor.hpp>

#include "serve/container_handler.hpp"
#include "serve/control_handler.hpp"
#include "serve/imds_handler.hpp"
#include "serve/metrics.hpp"
#include "serve/peer.hpp"
#include "serve/reply.hpp"

namespace ssocred::serve {

class Router {
  public:
    Router(boost::asio::any_io_executor executor, ContainerHandler& container, ImdsHandler& imds,
           ControlHandler& control, uid_t our_uid, bool check_imds_uid)
        : executor_(std::move(executor)),
          container_(container),
          imds_(imds),
          control_(control),
          our_uid_(our_uid),
          check_imds_uid_(check_imds_uid) {}

    // The endpoint kind of a request, for the request counters.
    static EndpointKind classify(const Request& request, const PeerInfo& peer) noexcept;

    // Dispatches `request`; `done` is called exactly once, on the loop thread (possibly
    // before route() returns).
    void route(const Request& request, PeerInfo& peer, ReplyFn done);

  private:
    void route_control(const Request& request, ReplyFn done);
    bool imds_peer_ok(PeerInfo& peer);
    // The 403 message for a refused IMDS peer.
    std::string imds_refusal(const PeerInfo& peer) const;

    boost::asio::any_io_executor executor_;
    ContainerHandler& container_;
    ImdsHandler& imds_;
    ControlHandler& control_;
    uid_t our_uid_;
    bool check_imds_uid_;
};

}  // namespace ssocred::serve
