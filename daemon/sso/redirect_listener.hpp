// The PKCE login's loopback redirect listener (PROTOCOLS.md §5.3), hardened against other
// local users (issue 16, item 3).
//
// Its port is visible to everyone (/proc/net/tcp). So:
// - a connection whose peer socket belongs to another uid (socket diagnostics, as for
//   IMDS) is closed at once, before a byte is read: another user cannot deliver a code or
//   an error for our login, nor hold a connection open;
// - one thread polls the listening socket, every connection and a stop pipe, with a
//   deadline per connection; nothing blocks, so closing the listener never waits on a
//   client (a slow or silent one is dropped at its deadline or at stop, whichever first).
// It answers one request per connection (Connection: close), through `handler`.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "ssocred/expected.hpp"

namespace ssocred::sso {

struct RedirectReply {
    int status = 404;
    std::string body;  // text/html
};

struct RedirectListenerOptions {
    std::chrono::milliseconds read_timeout{10'000};  // accept to end of request headers
    std::size_t max_connections = 16;                // beyond: closed at once
    // Linux: refuse peers of another uid (fails closed when the lookup fails). Tests on
    // kernels without sock_diag may turn it off; the daemon never does. Without socket
    // diagnostics (macOS) there is no lookup, and the state check is the only fence.
    bool require_same_uid = true;
};

class RedirectListener {
  public:
    // Called on the listener's thread for each complete request of our own uid.
    using Handler = std::function<RedirectReply(std::string_view method, std::string_view target)>;

    // Binds 127.0.0.1 on an ephemeral port and starts serving.
    static Expected<std::unique_ptr<RedirectListener>> open(Handler handler,
                                                            RedirectListenerOptions options = {});
    ~RedirectListener();  // stops and joins at once
    RedirectListener(const RedirectListener&) = delete;
    RedirectListener& operator=(const RedirectListener&) = delete;

    int port() const noexcept { return port_; }
    // Connections closed because their peer was another user (for tests and the log).
    std::size_t foreign_refused() const noexcept;

  private:
    struct Impl;
    explicit RedirectListener(std::unique_ptr<Impl> impl, int port);
    std::unique_ptr<Impl> impl_;
    int port_ = 0;
    std::thread thread_;
};

}  // namespace ssocred::sso
