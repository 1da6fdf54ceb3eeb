// TokenState: everything ssocred persists about one SSO session.
#pragma once

#include <chrono>
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
    // When the SSO session began: the login that produced this token chain (renewals keep
    // it). Identity Center does not say when a session ends; this and the length learned
    // from the last refused refresh predict it (sso/session_end.hpp).
    std::optional<SystemTime> session_started_at;
    // The length of the last session that ended here: refused refresh - its start. Carried
    // over to later logins of the same session (the latest observation wins).
    std::optional<std::chrono::seconds> learned_session_length;

    bool has_access_token() const { return !access_token.empty(); }
};

}  // namespace ssocred
