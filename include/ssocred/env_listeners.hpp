// What `ssocred env` says when ssocredd has no listener for what it would print: one text
// for the CLI (client/env_plan.cpp, asking an older daemon) and the daemon (POST /v1/env,
// daemon/control/env_route.cpp), so the two can never drift apart.
#pragma once

#include <optional>
#include <string>

#include "ssocred/expected.hpp"

namespace ssocred {

// --container, and nothing listens on 169.254.170.2 (or 0.0.0.0): a URI there would fail in
// the container with a connection error three retries later. loopback_port: the daemon's
// loopback port, to repeat in the flags (else the default, 9911).
inline Error no_container_listener_error(std::optional<int> loopback_port) {
    const std::string port = std::to_string(loopback_port.value_or(9911));
    return Error::make(ErrorCode::Invalid,
                       "ssocredd does not listen on 169.254.170.2, the address containers "
                       "reach it on: run `sudo ssocred container-setup` once, then restart "
                       "ssocredd with `--listen 127.0.0.1:" +
                           port + " --listen 169.254.170.2:" + port +
                           " --allow-cidr <bridge subnet>` (container-setup prints the exact "
                           "flags; see docs/containers.md)");
}

inline Error no_loopback_listener_error() {
    return Error::make(ErrorCode::Invalid,
                       "ssocredd has no HTTP listener on 127.0.0.1: start it with `--listen "
                       "127.0.0.1:9911`");
}

}  // namespace ssocred
