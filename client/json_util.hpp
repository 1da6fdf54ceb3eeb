// The CLI's names for the shared lenient JSON readers (ssocred/json_fields.hpp): a missing
// member or a null reads as empty, so a daemon that adds or omits optional members never
// makes the CLI throw. Only the names live here; what they accept is json_fields.hpp's.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ssocred/json_fields.hpp"

namespace ssocred::cli {

// The member, or a null value.
inline const nlohmann::json& member(const nlohmann::json& j, std::string_view key) {
    return jf::member_or_null(j, key);
}

inline std::optional<std::string> opt_str(const nlohmann::json& j, std::string_view key) {
    return jf::string_member(j, key);
}

inline std::string str(const nlohmann::json& j, std::string_view key, std::string fallback = {}) {
    return jf::string_or(j, key, std::move(fallback));
}

// A whole number in int64 range (jf::int_member). Anything else - a fraction, an unsigned
// above INT64_MAX, a double beyond +-9e15 - reads as the fallback: treated as absent, not
// clamped, because a clamped pid or port would be a wrong value shown as if it were right.
// INT64_MIN is the fallback too, so that callers may negate or std::llabs() any result
// (cmd_doctor does, for clock skew) without overflow.
inline std::int64_t num(const nlohmann::json& j, std::string_view key, std::int64_t fallback = 0) {
    const auto n = jf::int_member(j, key);
    if (!n || *n == std::numeric_limits<std::int64_t>::min()) return fallback;
    return *n;
}

inline bool flag(const nlohmann::json& j, std::string_view key) {
    return jf::bool_or(j, key, false);
}

// The member when it is an array, else an empty array.
inline const nlohmann::json& arr(const nlohmann::json& j, std::string_view key) {
    return jf::array_or_empty(j, key);
}

// "dev (111111111111/Dev)" or "111111111111/Dev" for a role object; "none" for null.
inline std::string describe_role(const nlohmann::json& role) {
    if (!role.is_object()) return "none";
    std::string ref = str(role, "account_id") + "/" + str(role, "role_name");
    if (auto p = opt_str(role, "profile")) return *p + " (" + ref + ")";
    return ref;
}

}  // namespace ssocred::cli
