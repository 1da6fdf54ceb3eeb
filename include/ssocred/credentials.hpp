// Role credentials and the identifiers of roles, shared by the engine, the serving plane,
// the control API and the CLI.
#pragma once

#include <compare>
#include <string>

#include "ssocred/secret.hpp"
#include "ssocred/time.hpp"

namespace ssocred {

struct RoleRef {
    std::string account_id;
    std::string role_name;
    // The SSO session (sso-session name, or the start URL of a legacy profile) whose access
    // token reaches this role. Empty means "the default session" and is resolved by the
    // daemon before any upstream call.
    std::string session;

    auto operator<=>(const RoleRef&) const = default;
    // "123456789012/RoleName", the form `ssocred use` accepts.
    std::string to_string() const { return account_id + "/" + role_name; }
};

struct RoleCredentials {
    RoleRef role;
    std::string access_key_id;
    Secret secret_access_key;
    Secret session_token;
    SystemTime expiration{};
    SystemTime issued_at{};  // when the daemon received them (for IMDS LastUpdated)

    // arn:aws:sts::ACCOUNT:assumed-role/ROLE — what the role session ARN looks like; the
    // portal does not return it, so this is the conventional form, for display only.
    std::string role_arn() const {
        return "arn:aws:iam::" + role.account_id + ":role/" + role.role_name;
    }
};

}  // namespace ssocred
