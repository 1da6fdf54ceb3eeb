// What a person should do about an upstream failure, appended to its message: every error
// that reaches `ssocred` (through the control API) or an SDK ends with the next step.
// Messages stay secret-free: only the error's own (already clean) text and fixed advice.
#pragma once

#include <string_view>

#include "ssocred/expected.hpp"

namespace ssocred::sso {

// `error` with the next step for its code appended ("…: check the network or
// AWS_ENDPOINT_URL_SSO, then try again"), unless the message already says what to do.
// `endpoint_variable` names the variable that overrides the upstream's URL.
Error with_next_step(Error error, std::string_view endpoint_variable = "AWS_ENDPOINT_URL_SSO");

}  // namespace ssocred::sso
