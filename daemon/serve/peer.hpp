// PeerInfo: what the serving plane knows about one connection's other end, gathered once
// per connection (the IMDS uid lookup lazily, on the first IMDS request) and cached.
#pragma once

#include <optional>
#include <sys/types.h>

#include <boost/asio/ip/tcp.hpp>

namespace ssocred::serve {

enum class Transport { Tcp, Control };

struct PeerInfo {
    Transport transport = Transport::Tcp;
    int fd = -1;
    // TCP only.
    boost::asio::ip::tcp::endpoint local;
    boost::asio::ip::tcp::endpoint remote;
    bool loopback = false;
    // Set at accept: false answers every request with 403 (unix peer of another uid, or a
    // TCP peer outside loopback and --allow-cidr).
    bool allowed = true;
    // Loopback TCP: the uid owning the peer socket; nullopt until looked up, -1 when the
    // lookup failed (fail closed).
    std::optional<long long> tcp_uid;
    // Control socket: the pid of the process that connected (for tokens bound to it).
    std::optional<long long> pid;
};

}  // namespace ssocred::serve
