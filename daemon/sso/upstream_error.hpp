// Turns an upstream error response into an Error (PROTOCOLS.md §2.1, §3, §4).
//
// The error type comes from the x-amzn-ErrorType header (cut at the first ':' and after the
// last '#'), else from the body's `__type`, `code`/`Code`, or the OIDC `error` member; then the
// HTTP status decides. The message is user-facing: the operation, the type, and upstream's
// `message`/`error_description` shortened and stripped of control characters.
#pragma once

#include <string>
#include <string_view>

#include "ssocred/expected.hpp"

#include "sso/http_client.hpp"

namespace ssocred::sso {

enum class Upstream { Oidc, Portal };

// Only for non-2xx responses.
Error upstream_error(const HttpResponse& response, Upstream service, std::string_view operation);

// The cut described above: "A:b" -> "A", "com.x#UnauthorizedException" -> "UnauthorizedException".
std::string normalize_error_type(std::string_view raw);

Error bad_response(std::string_view operation, std::string_view what);

}  // namespace ssocred::sso
