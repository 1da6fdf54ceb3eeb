#include "ssocred/cidr.hpp"

#include <charconv>

namespace ssocred {

namespace ip = boost::asio::ip;

namespace {

// The network an IPv6 address lies in, by its bytes alone: a link-local peer carries its
// interface's scope id, which a range never names.
ip::address_v6::bytes_type network_bytes(const ip::address_v6& a, unsigned short prefix) {
    return ip::network_v6(a, prefix).network().to_bytes();
}

}  // namespace

ip::address unmap(const ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped()) {
        return ip::make_address_v4(ip::v4_mapped, a.to_v6());
    }
    return a;
}

bool is_loopback(const ip::address& a) {
    return unmap(a).is_loopback();
}

Expected<Cidr> Cidr::parse(std::string_view text, HostBits host_bits) {
    const auto bad = [&](const char* why) {
        return Error::make(ErrorCode::Invalid, "invalid CIDR range '" + std::string(text) +
                                                   "': " + why +
                                                   " (expected e.g. 172.17.0.0/16 or fd00::/8)");
    };
    const auto slash = text.find('/');
    const std::string addr_text(text.substr(0, slash));
    boost::system::error_code ec;
    ip::address addr = ip::make_address(addr_text, ec);
    if (ec) return bad("not an IP address");
    addr = unmap(addr);  // "::ffff:10.0.0.0/8" is the IPv4 range it spells
    const unsigned short max = addr.is_v4() ? 32 : 128;
    unsigned short prefix = max;
    if (slash != std::string_view::npos) {
        const std::string_view p = text.substr(slash + 1);
        const auto [ptr, err] = std::from_chars(p.data(), p.data() + p.size(), prefix);
        if (p.empty() || err != std::errc{} || ptr != p.data() + p.size() || prefix > max) {
            return bad("bad prefix length");
        }
    }
    const bool refuse_host_bits = host_bits == HostBits::Refused;
    if (addr.is_v4()) {
        const ip::network_v4 net(addr.to_v4(), prefix);
        if (net.network() == addr.to_v4()) return Cidr(net);
        if (refuse_host_bits) return bad("host bits set below the prefix");
        return Cidr(net.canonical());
    }
    const ip::network_v6 net(addr.to_v6(), prefix);
    if (network_bytes(addr.to_v6(), prefix) == addr.to_v6().to_bytes()) return Cidr(net);
    if (refuse_host_bits) return bad("host bits set below the prefix");
    // contains() and to_string() look at the network bytes alone: the scope id may stay.
    return Cidr(ip::network_v6(ip::address_v6(network_bytes(addr.to_v6(), prefix)), prefix));
}

bool Cidr::contains(const ip::address& raw) const {
    const ip::address a = unmap(raw);
    if (const auto* v4 = std::get_if<ip::network_v4>(&network_)) {
        return a.is_v4() &&
               ip::network_v4(a.to_v4(), v4->prefix_length()).network() == v4->network();
    }
    const auto& v6 = std::get<ip::network_v6>(network_);
    return a.is_v6() && network_bytes(a.to_v6(), v6.prefix_length()) ==
                            network_bytes(v6.address(), v6.prefix_length());
}

std::string Cidr::to_string() const {
    return std::visit([](const auto& net) { return net.to_string(); }, network_);
}

bool any_contains(const std::vector<Cidr>& ranges, const ip::address& a) {
    for (const auto& r : ranges) {
        if (r.contains(a)) return true;
    }
    return false;
}

}  // namespace ssocred
