#include "serve/router.hpp"

#include <memory>
#include <string>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "serve/browser_guard.hpp"
#include "serve/peer_identity.hpp"

namespace ssocred::serve {

namespace {

constexpr std::string_view kOk = "ok";

// Holds a Session's completion for the control handler, whose responder may run on a worker
// thread. The completion owns the Session, which may be touched only on the loop: the reply
// hops there, and so does the completion of a responder dropped without replying (else the
// last copy, dropped on a worker, would destroy the Session there).
class LoopBoundCompletion {
  public:
    LoopBoundCompletion(boost::asio::any_io_executor loop, ReplyFn done)
        : loop_(std::move(loop)), done_(std::move(done)) {}
    LoopBoundCompletion(const LoopBoundCompletion&) = delete;
    LoopBoundCompletion& operator=(const LoopBoundCompletion&) = delete;
    ~LoopBoundCompletion() {
        if (done_) boost::asio::post(loop_, [dropped = std::move(done_)] {});
    }

    // Called once (a Responder answers once); the first call wins.
    void complete(Reply reply) {
        if (!done_) return;
        boost::asio::dispatch(loop_, [done = std::move(done_), reply = std::move(reply)]() mutable {
            done(std::move(reply));
        });
    }

  private:
    boost::asio::any_io_executor loop_;
    ReplyFn done_;
};

}  // namespace

EndpointKind Router::classify(const Request& request, const PeerInfo& peer) noexcept {
    if (peer.transport == Transport::Control) return EndpointKind::Control;
    return ContainerHandler::owns(request.path) ? EndpointKind::Container
           : ImdsHandler::owns(request.path)    ? EndpointKind::Imds
                                                : EndpointKind::Other;
}

void Router::route(const Request& request, PeerInfo& peer, ReplyFn done) {
    if (peer.transport == Transport::Control) {
        if (!peer.allowed) {
            Reply r =
                Reply::error(WireError::Forbidden, "this control socket belongs to another user");
            r.close = true;
            return done(std::move(r));
        }
        return route_control(request, std::move(done));
    }
    if (!peer.allowed) {
        Reply r = Reply::error(WireError::Forbidden,
                               "this address may not connect: start ssocredd with --allow-cidr "
                               "covering it");
        r.close = true;
        return done(std::move(r));
    }
    if (const char* why = browser_guard(request)) {
        return done(Reply::error(WireError::Forbidden, why));
    }
    switch (classify(request, peer)) {
        case EndpointKind::Container:
            container_.handle(request, std::move(done));
            break;
        case EndpointKind::Imds:
            if (!imds_peer_ok(peer)) {
                done(Reply::error(WireError::Forbidden, imds_refusal(peer)));
                break;
            }
            imds_.handle(request, std::move(done));
            break;
        default:
            done(Reply::error(WireError::NotFound, "unknown path"));
            break;
    }
}

void Router::route_control(const Request& request, ReplyFn done) {
    if (request.path == "/healthz") {
        if (request.method == "GET" || request.method == "HEAD") {
            done(Reply::view(200, kText, kOk));
        } else {
            Reply r = Reply::error(WireError::MethodNotAllowed, "use GET");
            r.extra_headers = "Allow: GET, HEAD\r\n";
            done(std::move(r));
        }
        return;
    }
    // A Responder is a copyable std::function and may be called, or dropped, on any thread;
    // the (move-only) completion is shared among its copies and bound to the loop.
    auto completion = std::make_shared<LoopBoundCompletion>(executor_, std::move(done));
    control_.handle(request, [completion](Response response) {
        completion->complete(Reply::from(std::move(response)));
    });
}

std::string Router::imds_refusal(const PeerInfo& peer) const {
    // A build that cannot tell who owns a TCP connection refuses every loopback peer too:
    // say so, rather than blame the peer.
    if (peer.loopback && check_imds_uid_ && tcp_owner_visibility() == TcpOwnerVisibility::None)
        return "the metadata endpoint is off in this build: it serves only processes of the "
               "user running ssocredd, and this build (portable) cannot tell which user owns "
               "a TCP connection. Use the container endpoint, which takes a token: "
               "`ssocred env` without --imds (docs/endpoints.md)";
    return "the metadata endpoint serves only processes of the user running ssocredd, on "
           "loopback; containers and VMs use the container endpoint with a token (ssocred env "
           "--container)";
}

bool Router::imds_peer_ok(PeerInfo& peer) {
    // IMDS has no shared secret (anyone who can connect may PUT for a session token), so it
    // is served only on loopback, to the daemon's own user. Peers admitted by --allow-cidr
    // (containers, VMs) get the container endpoint, which needs a token: a non-loopback
    // bind "still needs the token" (DESIGN.md).
    if (!peer.loopback) return false;
    if (!check_imds_uid_) return true;
    if (!peer.tcp_uid) {
        auto uid = tcp_peer_uid(peer.local, peer.remote);
        peer.tcp_uid = uid ? static_cast<long long>(*uid) : -1;
    }
    return *peer.tcp_uid == static_cast<long long>(our_uid_);
}

}  // namespace ssocred::serve
