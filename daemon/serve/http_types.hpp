// The request and response types every handler sees, free of Beast so that handler code
// (and the integrator's control endpoints) compile without the HTTP library's headers.
//
// Lifetime rule: a Request is a set of views into the session's parse buffer. It stays
// valid until the response for it has been handed back (Responder called / ReplyFn
// called); copy anything needed beyond that point.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ssocred/percent_encoding.hpp"
#include "ssocred/wire_error.hpp"

#include "serve/recycling_allocator.hpp"

namespace ssocred::serve {

// Case-insensitive ASCII comparison for header names and scheme words.
bool iequals(std::string_view a, std::string_view b) noexcept;

struct Request {
    std::string_view method;  // "GET", "PUT", ... as sent (case-sensitive per RFC 9110)
    std::string_view target;  // raw request-target, e.g. "/v1/login/abc?wait=10"
    std::string_view path;    // target without the query, leading "//" collapsed to "/"
    std::string_view query;   // after '?', without it; empty when absent
    // In arrival order. Recycled blocks: the list of a connection's request allocates
    // nothing once the daemon is warm (recycling_allocator.hpp).
    std::vector<std::pair<std::string_view, std::string_view>,
                RecyclingAllocator<std::pair<std::string_view, std::string_view>>>
        headers;
    std::string_view body;
    unsigned version = 11;  // 10 or 11
    // Control socket only: the connecting process (SO_PEERCRED), when the kernel said.
    std::optional<long long> peer_pid;

    // First value of the header `name` (case-insensitive), or nullopt.
    std::optional<std::string_view> header(std::string_view name) const noexcept;
    bool has_header(std::string_view name) const noexcept { return header(name).has_value(); }
    // Percent-decoded value of the first query parameter `name` ('+' means space), or
    // nullopt when absent. Allocates: meant for the control plane, not the hot path.
    std::optional<std::string> query_param(std::string_view name) const;
};

// A response from the control plane (owned, simple). The session adds Content-Length,
// Connection and the security headers itself.
struct Response {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers
    // A body holding secrets, sent instead of `body` without a copy; its owner wipes it
    // when the last holder (the connection, once the reply is written) lets go.
    std::shared_ptr<const std::string> secret_body;
};

// Completes a control request. May be called later (long poll) and from any thread: it
// hands the response to the connection's executor. Call it exactly once; dropping it
// without a call closes the connection.
using Responder = std::function<void(Response)>;

// Why a parsed request must not be served, as RFC 9112 requires: HTTP/1.1 without exactly
// one Host (HTTP/1.0: more than one) is 400 (§3.2); a Transfer-Encoding whose final coding is
// not chunked, or that applies chunked twice, is 400, since its body length cannot be known
// (§6.1, §6.3); any other coding (gzip, identity, ...) is 501, as none is implemented.
// The parser accepts all of these (a request with "chunked, gzip" is read as bodiless, its
// body taken for the next request): they are refused before routing, and the connection
// closes.
struct RequestDefect {
    WireError code = WireError::Invalid;  // sent with its own status (400 or 501)
    std::string_view message;
};
std::optional<RequestDefect> framing_defect(const Request& request) noexcept;

}  // namespace ssocred::serve
