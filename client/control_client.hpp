// A small HTTP/1.1 client for the daemon's control socket (docs/control-api.md).
//
// Hand-written over a unix socket rather than Beast: the CLI makes one request at a time,
// and keeping Asio out keeps `ssocred` quick to start (it runs as credential_process on
// every SDK call). Each request uses its own connection (`Connection: close`).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ssocred/expected.hpp"

namespace ssocred::cli {

using nlohmann::json;

// Error::upstream_type for "nothing listens on the socket" (ENOENT / ECONNREFUSED):
// the CLI exits 3 with a hint to start the daemon.
inline constexpr std::string_view kDaemonNotRunning = "daemon_not_running";
inline constexpr std::string_view kDaemonDownMessage =
    "ssocredd is not running: start it with `systemctl --user start ssocredd.socket` or "
    "`ssocredd &`";

struct HttpResponse {
    int status = 0;
    std::string content_type;
    std::string body;
};

struct RequestOptions {
    std::chrono::milliseconds timeout{15000};
    // When readable, the request is abandoned with ErrorCode::Cancelled (a signal pipe).
    int cancel_fd = -1;
    // Called about once a second while waiting (progress display during long polls).
    std::function<void()> on_tick;
};

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

// Percent-encoding for one path segment or query value (RFC 3986 unreserved kept).
std::string url_encode(std::string_view s);

// Turns a non-2xx response into an Error (daemon's message when it sent one).
Error error_from_response(const HttpResponse& r);

}  // namespace ssocred::cli
