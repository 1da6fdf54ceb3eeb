#include "serve/cidr.hpp"

#include <charconv>

namespace ssocred::serve {

namespace ip = boost::asio::ip;

ip::address unmap(const ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped()) {
        return ip::make_address_v4(ip::v4_mapped, a.to_v6());
    }
    return a;
}

bool is_loopback(const ip::address& a) {
    return unmap(a).is_loopback();
}

Expected<Cidr> Cidr::parse(std::string_view text) {
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
    addr = unmap(addr);
    const unsigned max = addr.is_v4() ? 32 : 128;
    unsigned prefix = max;
    if (slash != std::string_view::npos) {
        const std::string_view p = text.substr(slash + 1);
        const auto [ptr, err] = std::from_chars(p.data(), p.data() + p.size(), prefix);
        if (p.empty() || err != std::errc{} || ptr != p.data() + p.size() || prefix > max) {
            return bad("bad prefix length");
        }
    }
    Cidr c;
    c.network_ = addr;
    c.prefix_ = prefix;
    // Host bits must be zero: "10.1.2.3/8" is more likely a mistake than a wish.
    if ([&] {
            if (addr.is_v4()) {
                const auto v = addr.to_v4().to_uint();
                const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
                return (v & ~mask) != 0;
            }
            const auto b = addr.to_v6().to_bytes();
            for (unsigned i = prefix; i < 128; ++i) {
                if (b[i / 8] & (0x80 >> (i % 8))) return true;
            }
            return false;
        }()) {
        return bad("host bits set below the prefix");
    }
    return c;
}

bool Cidr::contains(const ip::address& raw) const {
    const ip::address a = unmap(raw);
    if (a.is_v4() != network_.is_v4()) return false;
    if (a.is_v4()) {
        const std::uint32_t mask = prefix_ == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix_);
        return (a.to_v4().to_uint() & mask) == (network_.to_v4().to_uint() & mask);
    }
    const auto x = a.to_v6().to_bytes();
    const auto n = network_.to_v6().to_bytes();
    for (unsigned i = 0; i < prefix_; ++i) {
        const unsigned char bit = static_cast<unsigned char>(0x80 >> (i % 8));
        if ((x[i / 8] & bit) != (n[i / 8] & bit)) return false;
    }
    return true;
}

std::string Cidr::to_string() const {
    return network_.to_string() + "/" + std::to_string(prefix_);
}

bool any_contains(const std::vector<Cidr>& ranges, const ip::address& a) {
    for (const auto& r : ranges) {
        if (r.contains(a)) return true;
    }
    return false;
}

}  // namespace ssocred::serve
