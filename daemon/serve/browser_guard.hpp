// Browser defence for the HTTP listeners (DESIGN.md "Who may connect").
//
// A web page can make a browser send requests to 127.0.0.1; it cannot make it send them
// without Origin/Referer/Sec-Fetch-Site, nor (through DNS rebinding) with a Host that is an
// IP literal. SDKs send none of those headers and use an IP literal or localhost.
#pragma once

#include <string_view>

#include "serve/http_types.hpp"

namespace ssocred::serve {

// IPv4 literal, bracketed IPv6 literal or "localhost" (any case), with an optional port.
bool host_allowed(std::string_view host) noexcept;

// nullptr when the request may proceed, else a short, secret-free reason for a 403.
// A missing Host is allowed (HTTP/1.0 tools; browsers always send one).
const char* browser_guard(const Request& request) noexcept;

}  // namespace ssocred::serve
