// JSON error bodies, one shape for every endpoint.
//
// Both spellings are sent, {"code","message","Code","Message"}: Go's SDK reads the
// lower-case members, JavaScript the capitalised ones (PROTOCOLS.md §9.2); control-API
// clients read the lower-case ones and ignore the rest. Messages are user-facing and
// must never hold a secret.
#pragma once

#include <string>
#include <string_view>

#include "ssocred/expected.hpp"
#include "ssocred/wire_error.hpp"

#include "serve/http_types.hpp"

namespace ssocred::serve {

std::string json_error_body(WireError code, std::string_view message);
// A code outside ssocred/wire_error.hpp (kept for source compatibility).
std::string json_error_body(std::string_view code, std::string_view message);

// A complete control-plane error response (Content-Type application/json) with the code's
// own status (ssocred/wire_error.hpp).
Response json_error(WireError code, std::string_view message);
// The same with another status, where the documented contract says so (control-api.md:
// a known path with a method it does not take is 405 `invalid`).
Response json_error(unsigned status, WireError code, std::string_view message);
// A code outside the shared vocabulary (kept for source compatibility).
Response json_error(unsigned status, std::string_view code, std::string_view message);

// The HTTP status and control-API error code for an engine error (wire_error_for):
// NotFound 404 not_found; LoginRequired/InvalidGrant/Unauthorized/InvalidClient 503
// login_required; transient upstream codes 503 upstream_unavailable; Forbidden/AccessDenied
// 403 forbidden; Invalid 400 invalid; Cancelled 503; anything else 500 internal.
// A login_required body also names the session (`session`) when error.session is set.
unsigned http_status_for(ErrorCode code) noexcept;
std::string_view error_code_for(ErrorCode code) noexcept;
Response json_error(const Error& error);

}  // namespace ssocred::serve
