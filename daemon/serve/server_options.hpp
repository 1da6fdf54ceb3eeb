// ServerOptions and ServerLimits: what the daemon tells the serving plane.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ssocred/time.hpp"

namespace ssocred::serve {

struct ServerLimits {
    std::size_t max_header_bytes = 8 * 1024;           // larger request headers -> 431
    std::size_t max_control_body = 64 * 1024;          // control socket bodies -> 413 beyond
    std::size_t max_http_body = 0;                     // TCP endpoints take no bodies -> 413
    std::chrono::milliseconds header_timeout{10'000};  // first byte to end of request
    std::chrono::milliseconds idle_timeout{60'000};    // keep-alive wait for the next request
    std::chrono::milliseconds write_timeout{10'000};
    // Connection budgets; beyond one: accept, answer 503, close. The control socket has
    // its own, so that idle TCP connections (anyone on the machine can open them) never
    // shut the CLI out. On TCP, once `max_other_uid_connections` are open, a new connection
    // is admitted only when its peer is a loopback socket of the daemon's own uid (socket
    // diagnostics, looked up only then): other users and --allow-cidr peers together hold
    // at most that many, and the rest of max_connections stays for the user's own SDKs.
    std::size_t max_connections = 16384;           // TCP
    std::size_t max_other_uid_connections = 8192;  // TCP, from peers not of our uid
    std::size_t max_control_connections = 512;     // control socket
    std::size_t max_imds_tokens = 4096;
};

// An already-bound listening socket handed over by systemd or launchd.
struct AdoptedSocket {
    int fd = -1;
    std::string name;  // "control" (unix) or "http" (TCP)
};

struct ServerOptions {
    std::vector<std::string> listen;       // "ADDR:PORT", "[v6]:PORT"; port 0 = ephemeral
    std::vector<std::string> allow_cidrs;  // non-loopback peers allowed on TCP
    bool imds_v1 = false;                  // serve IMDS GETs without a session token
    std::filesystem::path socket_path;     // control socket; empty = none (or adopted)
    std::filesystem::path state_dir;
    ServerLimits limits;
    std::vector<AdoptedSocket> adopted;  // fds from socket activation; the Server owns them
    // The IMDS peer-uid rule (Linux). Tests on odd kernels may turn it off; the daemon never does.
    bool imds_require_same_uid = true;
    const Clock* clock = nullptr;  // default: the real clock
};

struct HttpEndpoint {
    std::string address;  // "127.0.0.1", "::1"
    std::uint16_t port = 0;
};

struct BoundEndpoints {
    std::vector<HttpEndpoint> http;
    std::filesystem::path control_socket;  // empty when there is none
};

}  // namespace ssocred::serve
