// CIDR ranges for --allow-cidr: which non-loopback peers may reach the HTTP listeners.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include "ssocred/expected.hpp"

namespace ssocred::serve {

// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, what a dual-stack listener reports for an
// IPv4 peer) become plain IPv4, so one rule covers both listener kinds.
boost::asio::ip::address unmap(const boost::asio::ip::address& a);
bool is_loopback(const boost::asio::ip::address& a);

class Cidr {
  public:
    // "10.0.0.0/8", "172.17.0.0/16", "fd00::/8", "192.168.1.7" (a host: /32 or /128).
    // Host bits set below the prefix are an error (a likely typo).
    static Expected<Cidr> parse(std::string_view text);

    bool contains(const boost::asio::ip::address& a) const;
    std::string to_string() const;

  private:
    explicit Cidr(std::variant<boost::asio::ip::network_v4, boost::asio::ip::network_v6> network)
        : network_(std::move(network)) {}

    std::variant<boost::asio::ip::network_v4, boost::asio::ip::network_v6> network_;
};

bool any_contains(const std::vector<Cidr>& ranges, const boost::asio::ip::address& a);

}  // namespace ssocred::serve
