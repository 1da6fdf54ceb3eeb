// Authorization-code grant with PKCE and a loopback redirect (PROTOCOLS.md §5.3, §3.4).
//
// The redirect listener (sso/redirect_listener.hpp) binds 127.0.0.1 on an ephemeral port
// (never all interfaces), closes connections of other users at once, answers only
// `GET /oauth/callback` (everything else is 404), ignores callbacks whose `state` differs
// from ours (a stray or forged request must not end the login) and is closed when the flow
// ends, without waiting on any client. The registered redirect URI has no port; the
// authorize and token calls carry it.
#pragma once

#include <chrono>

#include "sso/login_flow.hpp"
#include "sso/redirect_listener.hpp"

namespace ssocred::sso {

struct PkceOptions {
    std::chrono::seconds overall_timeout{600};  // the CLI's _OVERALL_TIMEOUT
};

Expected<LoginOutcome> run_pkce_login(LoginContext& ctx, const PkceOptions& options = {},
                                      const RedirectListenerOptions& listener = {});

}  // namespace ssocred::sso
