// Device authorization grant (PROTOCOLS.md §5.2): register (or reuse), StartDeviceAuthorization,
// one immediate CreateToken, then poll every `interval` (5 s default; SlowDown adds 5 s) until
// approval, denial, expiry of the device code (`expiresIn`, client-side too) or cancellation.
#pragma once

#include "sso/login_flow.hpp"

namespace ssocred::sso {

Expected<LoginOutcome> run_device_login(LoginContext& ctx);

}  // namespace ssocred::sso
