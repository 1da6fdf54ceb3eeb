// IP ranges and the address rules every part shares: --allow-cidr (serve/), NO_PROXY
// (sso/proxy), and the v4-mapped addresses a dual-stack socket reports (platform/). In the
// base library so that the core and the daemon link one copy.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include "ssocred/expected.hpp"

namespace ssocred {

// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, what a dual-stack listener reports for an
// IPv4 peer) become plain IPv4, so one rule covers both listener kinds.
boost::asio::ip::address unmap(const boost::asio::ip::address& a);
bool is_loopback(const boost::asio::ip::address& a);

class Cidr {
  public:
    // What parse() does with an address that has bits set below its prefix ("10.1.2.3/8").
    enum class HostBits {
        Refused,  // an error: in --allow-cidr it is more likely a typo than a wish
        Ignored,  // the range it lies in (10.0.0.0/8), as NO_PROXY matching does elsewhere
    };

    // "10.0.0.0/8", "172.17.0.0/16", "fd00::/8", "192.168.1.7" (a host: /32 or /128).
    static Expected<Cidr> parse(std::string_view text, HostBits host_bits = HostBits::Refused);

    bool contains(const boost::asio::ip::address& a) const;
    std::string to_string() const;

  private:
    explicit Cidr(std::variant<boost::asio::ip::network_v4, boost::asio::ip::network_v6> network)
        : network_(std::move(network)) {}

    std::variant<boost::asio::ip::network_v4, boost::asio::ip::network_v6> network_;
};

bool any_contains(const std::vector<Cidr>& ranges, const boost::asio::ip::address& a);

}  // namespace ssocred
