// JSON shapes of the control API (docs/control-api.md), in one place.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "ssocred/credentials.hpp"

#include "creds/credential_engine.hpp"
#include "serve/endpoint_tokens.hpp"
#include "sso/login_task.hpp"
#include "sso/session_manager.hpp"

namespace ssocred::control_json {

nlohmann::json time_or_null(const std::optional<SystemTime>& t);
nlohmann::json role(const RoleRef& role, const std::optional<std::string>& profile);
nlohmann::json login(const sso::LoginProgress& progress, bool joined);
// POST /v1/login with `if_needed` for a session that is logged in: no login was started.
nlohmann::json logged_in(const sso::SessionStatus& session);
nlohmann::json session(const sso::SessionStatus& status);
nlohmann::json role_status(const RoleStatus& status);
nlohmann::json scoped_token(const serve::ScopedTokenInfo& info);

}  // namespace ssocred::control_json
