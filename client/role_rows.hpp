// The roles of a GET /v1/accounts answer as one row each, in the order every command shows
// them (`list`, the picker): accounts by name, then the roles as Identity Center lists them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace ssocred::cli {

// "123456789012/RoleName": twelve digits, a slash, a non-empty role name.
bool is_account_role(std::string_view s);

struct RoleRow {
    std::string account_id;
    std::string account_name;
    std::string email;
    std::string role_name;
    std::string profile;  // the AWS config profile naming this role, "" when none
    bool active = false;
};

// `active` is the daemon's active role object (or null); a row is marked when it is that
// role in the answer's session.
std::vector<RoleRow> role_rows(const nlohmann::json& accounts, const nlohmann::json& active);

}  // namespace ssocred::cli
