// SSO OIDC operations (PROTOCOLS.md §3): RegisterClient, StartDeviceAuthorization,
// CreateToken (device code, refresh token, authorization code + PKCE) and the browser-only
// /authorize endpoint, plus /device, the page a user would open to approve a device code.
#pragma once

#include <string>

#include "http.hpp"
#include "state.hpp"

namespace emu {

inline constexpr const char* kDeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";

Response register_client(State& state, const Request& req);
Response start_device_authorization(State& state, const Request& req);
Response create_token(State& state, const Request& req);
Response authorize(State& state, const Target& target);
Response verify_device(State& state, const Target& target);

// "device_code", "refresh_token", "authorization_code", or "other": the counter a
// CreateToken request is counted under.
std::string grant_counter_name(const Request& req);

}  // namespace emu
