#include "serve/server.hpp"

#include <unistd.h>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "serve/listener.hpp"
#include "serve/server_context.hpp"

namespace ssocred::serve {

struct Server::Impl {
    ServerOptions options;
    std::shared_ptr<ServerContext> ctx;
    std::vector<std::shared_ptr<Listener>> listeners;
    BoundEndpoints bound;
    bool started = false;
};

Server::Server(boost::asio::io_context& io, ServerOptions options, CredentialSource& source,
               EndpointTokens& tokens, ControlHandler& control, Metrics& metrics)
    : impl_(std::make_unique<Impl>()) {
    const Clock& clock = options.clock ? *options.clock : RealClock::instance();
    impl_->ctx = std::make_shared<ServerContext>(io, options, clock, source, tokens, control,
                                                 metrics, ::getuid());
    impl_->options = std::move(options);
}

Server::~Server() {
    stop();  // and drops the caller's on_drained: what it refers to may be gone
}

Expected<BoundEndpoints> Server::start() {
    auto& ctx = impl_->ctx;
    const auto& opt = impl_->options;
    if (impl_->started) return Error::make(ErrorCode::Internal, "the server is already started");

    std::vector<Cidr> allow;
    for (const auto& text : opt.allow_cidrs) {
        auto c = Cidr::parse(text);
        if (!c) return c.error();
        allow.push_back(*c);
    }
    ctx->allow = std::move(allow);

    std::vector<std::shared_ptr<Listener>> http;
    std::shared_ptr<Listener> control;
    BoundEndpoints bound;
    const auto fail = [&](Error e) -> Expected<BoundEndpoints> {
        for (auto& l : http) l->stop();
        if (control) control->stop();
        return e;
    };

    for (const auto& a : opt.adopted) {
        if (a.name == "http") {
            auto l = adopt_tcp_listener(ctx, a.fd);
            if (!l) return fail(l.error());
            http.push_back(std::move(*l));
        } else if (a.name == "control") {
            auto l = adopt_unix_listener(ctx, a.fd);
            if (!l) return fail(l.error());
            control = std::move(*l);
        } else {
            return fail(Error::make(ErrorCode::Invalid, "unknown activated socket name '" + a.name +
                                                            "': expected 'control' or 'http'"));
        }
    }
    for (const auto& text : opt.listen) {
        auto ep = parse_listen_address(text);
        if (!ep) return fail(ep.error());
        if (!is_loopback(ep->address()) && ctx->allow.empty()) {
            return fail(Error::make(ErrorCode::Invalid,
                                    "--listen " + text +
                                        " is not a loopback address: add --allow-cidr for the "
                                        "networks that may connect"));
        }
        auto l = make_tcp_listener(ctx, *ep);
        if (!l) return fail(l.error());
        http.push_back(std::move(*l));
    }
    if (!control && !opt.socket_path.empty()) {
        auto l = make_unix_listener(ctx, opt.socket_path);
        if (!l) return fail(l.error());
        control = std::move(*l);
        bound.control_socket = opt.socket_path;
    } else if (control) {
        bound.control_socket = opt.socket_path;  // as the activator named it, if known
    }

    for (auto& l : http) {
        bound.http.push_back(l->endpoint());
        l->start();
    }
    if (control) control->start();
    impl_->listeners = std::move(http);
    if (control) impl_->listeners.push_back(std::move(control));
    impl_->bound = bound;
    impl_->started = true;
    return bound;
}

void Server::stop(std::function<void()> on_drained) {
    if (!impl_ || !impl_->ctx) return;
    auto& ctx = *impl_->ctx;
    ctx.draining = true;
    ctx.on_drained = std::move(on_drained);
    ctx.deadlines.drain();  // the lazy deadline timer must not keep the loop alive
    for (auto& l : impl_->listeners) l->stop();
    impl_->listeners.clear();
    // drain() may close a connection, which erases it from the set: iterate a copy.
    const std::vector<Connection*> live(ctx.connections.begin(), ctx.connections.end());
    for (Connection* c : live) {
        if (ctx.connections.count(c)) c->drain();
    }
    ctx.drained_if_idle();  // nothing was open, or draining closed the last one
}

const BoundEndpoints& Server::endpoints() const noexcept {
    return impl_->bound;
}

std::size_t Server::connection_count() const noexcept {
    return impl_->ctx->connections.size();
}

}  // namespace ssocred::serve
