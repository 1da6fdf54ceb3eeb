// Reply: the internal response type of the serving plane.
//
// Unlike the control plane's Response it can point at bytes it does not own - a cached
// ServedCredentials body (kept alive by `keepalive`) or a static pre-built error - so that
// serving cached credentials copies nothing and allocates nothing for the body.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "ssocred/inline_function.hpp"
#include "ssocred/wire_error.hpp"

#include "serve/http_types.hpp"

namespace ssocred::serve {

inline constexpr std::string_view kJson = "application/json";
inline constexpr std::string_view kText = "text/plain";

struct Reply {
    unsigned status = 200;
    std::string_view content_type = kJson;  // static storage, unless owned_type is set
    std::string owned_type;
    std::string owned_body;
    std::string_view borrowed_body;  // valid while `keepalive` lives (or static)
    std::shared_ptr<const void> keepalive;
    bool borrowed = false;
    std::string extra_headers;  // pre-formatted "Name: value\r\n" lines
    bool close = false;         // close the connection after this reply

    std::string_view body() const noexcept { return borrowed ? borrowed_body : owned_body; }
    std::string_view type() const noexcept {
        return owned_type.empty() ? content_type : std::string_view(owned_type);
    }

    static Reply owned(unsigned status, std::string_view static_type, std::string body) {
        Reply r;
        r.status = status;
        r.content_type = static_type;
        r.owned_body = std::move(body);
        return r;
    }
    // `body` must outlive the reply: static storage, or owned by `keep`.
    static Reply view(unsigned status, std::string_view static_type, std::string_view body,
                      std::shared_ptr<const void> keep = {}) {
        Reply r;
        r.status = status;
        r.content_type = static_type;
        r.borrowed_body = body;
        r.keepalive = std::move(keep);
        r.borrowed = true;
        return r;
    }
    // JSON error in both spellings (see json_error.hpp), with the code's own status
    // (ssocred/wire_error.hpp).
    static Reply error(WireError code, std::string_view message);
    // The same with another status, where the documented wire contract pairs the code with
    // one that is not the table's (docs/endpoints.md, docs/control-api.md).
    static Reply error(unsigned status, WireError code, std::string_view message);
    // A code outside the shared vocabulary. Kept for source compatibility; the daemon's own
    // answers use WireError, so that the CLI can read every code back (from_wire).
    static Reply error(unsigned status, std::string_view code, std::string_view message);
    static Reply from(Response response);
};

// The completion of one request. Inline room for a Session's shared_ptr to itself, so that
// handing a reply back allocates nothing (see ssocred/inline_function.hpp).
using ReplyFn = InlineFunction<void(Reply), 24>;

}  // namespace ssocred::serve
