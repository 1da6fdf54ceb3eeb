// TokenState: everything ssocred persists about one SSO session.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ssocred/secret.hpp"
#include "ssocred/time.hpp"

namespace ssocred {

struct ClientRegistration {
    std::string client_id;
    Secret client_secret;
    SystemTime expires_at{};               // clientSecretExpiresAt
    std::vector<std::string> grant_types;  // empty for a device-flow registration
    std::vector<std::string> scopes;
};

struct TokenState {
    std::string session;  // sso-session name, or the start URL of a legacy profile
    std::string start_url;
    std::string region;  // SSO region
    Secret access_token;
    SystemTime access_token_expires_at{};
    Secret refresh_token;    // empty when upstream gave none (legacy device flow)
    SystemTime issued_at{};  // when the access token was obtained (newest wins on merge)
    std::optional<ClientRegistration> registration;
    bool login_required = false;  // refresh refused (InvalidGrant): a person must log in

    bool has_access_token() const { return !access_token.empty(); }
};

}  // namespace ssocred
