// One HTTP/1.1 request and its response over a connected unix stream socket, with Beast.
//
// The CLI makes one request at a time on its own connection (`Connection: close`); the
// exchange runs on a private io_context in the calling thread so that a deadline, a
// cancellation pipe and a once-a-second progress callback can all interrupt the wait. The
// connection is made (and its peer checked) by the caller: control_client.cpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ssocred/expected.hpp"

#include "store/unique_fd.hpp"

namespace ssocred::cli {

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

struct HttpRequest {
    std::string_view method;
    std::string_view target;
    // Sent with `Content-Type: application/json` when present.
    std::optional<std::string> json_body;
};

// A response larger than this (body) is refused as oversized, as is a header block larger
// than kMaxResponseHeader: the daemon's answers are far smaller, and a peer that sends
// more is not the daemon.
inline constexpr std::size_t kMaxResponseBody = 16 * 1024 * 1024;
inline constexpr std::size_t kMaxResponseHeader = 16 * 1024;

// Sends `request` on `socket` (a connected AF_UNIX stream socket, which it closes) and
// reads one response. Any HTTP status is a value; errors are transport failures
// (ErrorCode::Io), a malformed or oversized response (BadResponse), the deadline
// (Timeout) and options.cancel_fd becoming readable (Cancelled).
Expected<HttpResponse> http_exchange(UniqueFd socket, const HttpRequest& request,
                                     std::chrono::steady_clock::time_point deadline,
                                     const RequestOptions& options);

}  // namespace ssocred::cli
