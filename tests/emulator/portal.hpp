// SSO portal operations (PROTOCOLS.md §4): GetRoleCredentials, ListAccounts,
// ListAccountRoles, Logout. The bearer token travels in x-amz-sso_bearer_token.
#pragma once

#include "http.hpp"
#include "state.hpp"

namespace emu {

Response get_role_credentials(State& state, const Request& req, const Target& target);
Response list_accounts(State& state, const Request& req, const Target& target);
Response list_account_roles(State& state, const Request& req, const Target& target);
Response logout(State& state, const Request& req);

}  // namespace emu
