#include "ssocred/listener_owner.hpp"

#include <array>
#include <pwd.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "ssocred/peer_identity.hpp"

namespace ssocred {
std::string user_label(uid_t uid) {
    struct passwd pw {};
    struct passwd* found = nullptr;
    std::array<char, 4096> buf{};
    if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr)
        return std::string(found->pw_name) + " (uid " + std::to_string(uid) + ")";
    return "uid " + std::to_string(uid);
}

Expected<std::vector<uid_t>> listener_uids(std::string_view address, int port) {
    boost::system::error_code ec;
    std::string host(address);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const auto ip = boost::asio::ip::make_address(host, ec);
    if (ec || port <= 0 || port > 65535)
        return Error::make(
            ErrorCode::Invalid,
            "not an IP address and port: " + std::string(address) + ":" + std::to_string(port));
    // A build that cannot see socket owners (the portable one) has no one to name.
    if (tcp_owner_visibility() == TcpOwnerVisibility::None) return std::vector<uid_t>{};
    return tcp_listener_uids(boost::asio::ip::tcp::endpoint(ip, static_cast<unsigned short>(port)));
}

Status check_listener_owner(std::string_view address, int port, uid_t expected) {
    auto uids = listener_uids(address, port);
    if (!uids) return std::move(uids).error();
    for (uid_t uid : *uids) {
        if (uid == expected) continue;
        return Error::make(
            ErrorCode::Forbidden,
            std::string(address) + ":" + std::to_string(port) + " is held by " + user_label(uid) +
                ", not by ssocredd: the port may be hijacked, and SDKs pointed at it would hand "
                "their token to that user. Refusing. Stop that process (or have an admin do "
                "it), restart ssocredd, and see docs/security.md \"Port squatting\"");
    }
    return ok();
}

}  // namespace ssocred
