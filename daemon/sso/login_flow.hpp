// What the two login flows share: their inputs and their result.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sso/login_task.hpp"
#include "sso/oidc_client.hpp"
#include "store/token_state.hpp"

namespace ssocred::sso {

struct LoginContext {
    OidcApi& oidc;
    const Clock& clock;
    LoginTask& task;
    std::string session_id;
    std::string start_url;
    bool legacy = false;
    std::vector<std::string> scopes;  // configured sso_registration_scopes
    std::optional<ClientRegistration> cached_registration;
    // Scales every wait (poll intervals); tests shrink it. Deadlines use steady time.
    double time_scale = 1.0;
};

struct LoginOutcome {
    TokenResponse token;
    ClientRegistration registration;
    SystemTime obtained_at{};
};

// A registration is reused unless it expires within 15 minutes or is of the other kind
// (PROTOCOLS.md §5.1: auth-code registrations list "authorization_code" in grantTypes).
bool registration_reusable(const ClientRegistration& reg, bool for_auth_code, SystemTime now);

// RegisterClient's clientName: "ssocred-<session>" (legacy: "ssocred-<unix seconds>").
std::string client_name(const LoginContext& ctx);

}  // namespace ssocred::sso
