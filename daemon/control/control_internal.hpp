// What control_api.cpp's routes share with the routes kept in files of their own
// (control/env_route.cpp): the answers with secrets, the error answer, the request body,
// the role a request names and a token's lifetime. Defined in control_api.cpp, beside the
// helpers they forward to.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "ssocred/credentials.hpp"
#include "ssocred/expected.hpp"

#include "config_profiles.hpp"
#include "creds/credential_engine.hpp"
#include "serve/endpoint_tokens.hpp"
#include "serve/http_types.hpp"
#include "sso/session_manager.hpp"

namespace ssocred {

// A role a request names, with the profile that names it (if any).
struct NamedRole {
    RoleRef role;
    std::optional<std::string> profile;
};

namespace control_internal {

// Members whose values are secrets: spliced into the body without passing through
// nlohmann::json, and the body wiped once sent.
using SecretMembers = std::initializer_list<std::pair<const char*, std::string_view>>;
serve::Response secret_json(unsigned status, nlohmann::json body, SecretMembers secrets);

// A request the control API refuses: code invalid (400) with `message`.
Error invalid(std::string message);

// The error answer, with what to do next for upstream failures.
void fail_with(const serve::Responder& respond, const Error& error);

// The request body as a JSON object (empty body: {}); 400 otherwise.
Expected<nlohmann::json> request_body(const serve::Request& request);

// The role `profile` names, or (empty profile, allow_active) the active role.
Expected<NamedRole> named_role(const CredentialEngine& engine, const sso::SessionManager& sessions,
                               const ConfigProfiles& profiles, const std::string& profile,
                               bool allow_active);

// "ttl_seconds" (fixed) or "idle_seconds" (sliding), at most one; neither: both unset.
Expected<serve::TokenLifetime> token_lifetime(const nlohmann::json& body);

}  // namespace control_internal
}  // namespace ssocred
