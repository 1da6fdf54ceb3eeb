// The client of the daemon's control socket (docs/control-api.md): HTTP/1.1 with JSON
// bodies over a unix socket, one request per connection (`Connection: close`).
//
// Before a byte is sent, the socket's directory is checked (private, ours) and the kernel
// is asked who serves it (SO_PEERCRED): only our own uid's daemon hears our requests.
// The HTTP itself is Beast's (http_exchange.hpp).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

#include <nlohmann/json.hpp>

#include "ssocred/expected.hpp"

#include "http_exchange.hpp"
#include "store/unique_fd.hpp"

namespace ssocred::cli {

using nlohmann::json;

// Error::upstream_type for "nothing listens on the socket" (ENOENT / ECONNREFUSED):
// the CLI exits 3 with a hint to start the daemon.
inline constexpr std::string_view kDaemonNotRunning = "daemon_not_running";
// The error's message starts with kDaemonDownMessage; daemon_down_message() adds how to
// start the daemon on this client's OS (platform_advice.hpp).
inline constexpr std::string_view kDaemonDownMessage = "ssocredd is not running";
std::string daemon_down_message();

class ControlClient {
  public:
    explicit ControlClient(std::filesystem::path socket) : socket_(std::move(socket)) {}

    // When nothing listens on the socket, start ssocredd (autostart.hpp) and connect once
    // more; `announce` says so on stderr. One attempt per process.
    ControlClient& with_autostart(bool enabled, bool announce) {
        autostart_ = enabled;
        announce_ = announce;
        return *this;
    }

    const std::filesystem::path& socket() const { return socket_; }

    // Raw exchange: any HTTP status is a value; only transport failures are errors.
    Expected<HttpResponse> send(std::string_view method, std::string_view target,
                                const std::optional<json>& body,
                                const RequestOptions& options = {}) const;

    // A JSON call: a 2xx JSON body is the value; an error status becomes an Error carrying
    // the daemon's `message` (upstream_type = its `code`, http_status = the status).
    Expected<json> call(std::string_view method, std::string_view target,
                        const std::optional<json>& body = std::nullopt,
                        const RequestOptions& options = {}) const;

    Expected<json> get(std::string_view target) const { return call("GET", target); }

  private:
    std::filesystem::path socket_;
    bool autostart_ = false;
    bool announce_ = false;
};

// Connects to the control socket at `socket` after checking its directory
// (check_private_dir: missing means "not running"), then refuses, before anything is sent,
// unless the process serving it runs as `expected_uid`. ControlClient passes getuid().
Expected<UniqueFd> connect_control_socket(const std::filesystem::path& socket, uid_t expected_uid);

// Percent-encoding for one path segment or query value (RFC 3986 unreserved kept).
std::string url_encode(std::string_view s);

// Turns a non-2xx response into an Error (daemon's message when it sent one).
Error error_from_response(const HttpResponse& r);

}  // namespace ssocred::cli
