#include "role_rows.hpp"

#include <algorithm>

#include "json_util.hpp"

namespace ssocred::cli {

bool is_account_role(std::string_view s) {
    const auto slash = s.find('/');
    if (slash != 12 || s.size() == 13) return false;
    return std::all_of(s.begin(), s.begin() + 12, [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<RoleRow> role_rows(const nlohmann::json& accounts, const nlohmann::json& active) {
    const std::string session = str(accounts, "session");
    std::vector<nlohmann::json> sorted(arr(accounts, "accounts").begin(),
                                       arr(accounts, "accounts").end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        return str(a, "account_name") < str(b, "account_name");
    });
    std::vector<RoleRow> rows;
    for (const auto& a : sorted) {
        // `profiles` maps a role name to the profile naming it (members are only added to
        // the API: an older daemon sends none).
        const auto& profiles = member(a, "profiles");
        for (const auto& role : arr(a, "roles")) {
            if (!role.is_string()) continue;
            RoleRow row;
            row.account_id = str(a, "account_id");
            row.account_name = str(a, "account_name");
            row.email = str(a, "email");
            row.role_name = role.get<std::string>();
            row.profile = str(profiles, row.role_name);
            row.active = active.is_object() && str(active, "session", session) == session &&
                         str(active, "account_id") == row.account_id &&
                         str(active, "role_name") == row.role_name;
            rows.push_back(std::move(row));
        }
    }
    return rows;
}

}  // namespace ssocred::cli
