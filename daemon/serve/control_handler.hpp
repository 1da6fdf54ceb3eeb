// The seam between the serving plane and the control API (docs/control-api.md).
//
// The serving plane owns the unix socket, HTTP parsing, limits and the peer-uid check;
// every request that passes them (except GET /healthz, answered here) is handed to the
// ControlHandler the daemon provides. The handler never sees Beast.
#pragma once

#include "serve/http_types.hpp"

namespace ssocred::serve {

class ControlHandler {
  public:
    virtual ~ControlHandler() = default;

    // Called on the event-loop thread. `request` stays valid until `respond` is called.
    // `respond` may be called before handle() returns or later (e.g. a long poll on
    // GET /v1/login/{id}?wait=N), from any thread, exactly once.
    virtual void handle(const Request& request, Responder respond) = 0;
};

}  // namespace ssocred::serve
