#include "listener_owner.hpp"

#include <arpa/inet.h>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <pwd.h>
#include <sstream>
#include <unistd.h>

namespace ssocred::cli {
namespace {

constexpr std::string_view kListen = "0A";  // TCP_LISTEN in /proc/net/tcp's `st` column

// The kernel prints each 32-bit word of the address as the host-order integer of its
// network-order bytes ("%08X"), so the same memcpy reproduces it on either endianness.
std::string proc_hex(const unsigned char* bytes, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i + 4 <= n; i += 4) {
        std::uint32_t word = 0;
        std::memcpy(&word, bytes + i, 4);
        char buf[9];
        std::snprintf(buf, sizeof buf, "%08X", word);
        out += buf;
    }
    return out;
}

// The /proc spellings of the local addresses that receive connections to `address`.
std::vector<std::string> accepted_spellings(std::string_view address) {
    std::string a(address);
    if (a.size() > 2 && a.front() == '[' && a.back() == ']') a = a.substr(1, a.size() - 2);
    std::vector<std::string> out;
    unsigned char any6[16] = {};
    out.push_back(proc_hex(any6, 16));  // :: (dual-stack listeners take IPv4 too)
    in_addr v4{};
    in6_addr v6{};
    if (::inet_pton(AF_INET, a.c_str(), &v4) == 1) {
        unsigned char b[4];
        std::memcpy(b, &v4, 4);
        out.push_back(proc_hex(b, 4));
        const unsigned char any4[4] = {};
        out.push_back(proc_hex(any4, 4));
        unsigned char mapped[16] = {};
        mapped[10] = mapped[11] = 0xff;
        std::memcpy(mapped + 12, b, 4);
        out.push_back(proc_hex(mapped, 16));
    } else if (::inet_pton(AF_INET6, a.c_str(), &v6) == 1) {
        unsigned char b[16];
        std::memcpy(b, &v6, 16);
        out.push_back(proc_hex(b, 16));
    }
    return out;
}

std::string user_name(uid_t uid) {
    struct passwd pw {};
    struct passwd* found = nullptr;
    std::array<char, 4096> buf{};
    if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr)
        return found->pw_name;
    return "uid " + std::to_string(uid);
}

}  // namespace

std::vector<uid_t> listener_uids_in(std::string_view text, std::string_view address, int port) {
    const auto accepted = accepted_spellings(address);
    std::vector<uid_t> out;
    std::istringstream lines{std::string(text)};
    std::string line;
    std::getline(lines, line);  // the header
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string sl, local, remote, state, queues, timer, retransmits, uid_text;
        if (!(fields >> sl >> local >> remote >> state >> queues >> timer >> retransmits >>
              uid_text))
            continue;
        if (state != kListen) continue;
        const auto colon = local.find(':');
        if (colon == std::string::npos) continue;
        unsigned local_port = 0;
        const char* p = local.data() + colon + 1;
        if (std::from_chars(p, local.data() + local.size(), local_port, 16).ec != std::errc{} ||
            static_cast<int>(local_port) != port)
            continue;
        const std::string host = local.substr(0, colon);
        bool match = false;
        for (const auto& a : accepted) match = match || a == host;
        if (!match) continue;
        unsigned long uid = 0;
        if (std::from_chars(uid_text.data(), uid_text.data() + uid_text.size(), uid).ec !=
            std::errc{})
            continue;
        out.push_back(static_cast<uid_t>(uid));
    }
    return out;
}

Expected<std::vector<uid_t>> listener_uids(std::string_view address, int port) {
    std::vector<uid_t> out;
#ifdef __linux__
    bool read_any = false;
    for (const char* file : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream in(file);
        if (!in) continue;  // no IPv6 on this host, for instance
        read_any = true;
        std::stringstream text;
        text << in.rdbuf();
        for (uid_t uid : listener_uids_in(text.str(), address, port)) out.push_back(uid);
    }
    if (!read_any)
        return Error::make(ErrorCode::Io,
                           "cannot read /proc/net/tcp to check who listens on the endpoint");
#else
    (void)address;
    (void)port;
#endif
    return out;
}

Status check_listener_owner(std::string_view address, int port, uid_t expected) {
    auto uids = listener_uids(address, port);
    if (!uids) return std::move(uids).error();
    for (uid_t uid : *uids) {
        if (uid == expected) continue;
        return Error::make(
            ErrorCode::Forbidden,
            std::string(address) + ":" + std::to_string(port) + " is held by " + user_name(uid) +
                " (uid " + std::to_string(uid) +
                "), not by ssocredd: the port may be hijacked, and SDKs pointed at it would hand "
                "their token to that user. Refusing. Stop that process (or have an admin do "
                "it), restart ssocredd, and see docs/security.md \"Port squatting\"");
    }
    return ok();
}

}  // namespace ssocred::cli
