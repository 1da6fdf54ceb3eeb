// Lenient readers for the daemon's JSON: a missing member or a null reads as empty, so a
// daemon that adds or omits optional members never makes the CLI throw.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ssocred::cli {

inline const nlohmann::json& member(const nlohmann::json& j, std::string_view key) {
    static const nlohmann::json null_value;
    if (!j.is_object()) return null_value;
    auto it = j.find(key);
    return it == j.end() ? null_value : *it;
}

inline std::optional<std::string> opt_str(const nlohmann::json& j, std::string_view key) {
    const auto& v = member(j, key);
    if (v.is_string()) return v.get<std::string>();
    return std::nullopt;
}

inline std::string str(const nlohmann::json& j, std::string_view key, std::string fallback = {}) {
    return opt_str(j, key).value_or(std::move(fallback));
}

inline std::int64_t num(const nlohmann::json& j, std::string_view key, std::int64_t fallback = 0) {
    const auto& v = member(j, key);
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_number()) return static_cast<std::int64_t>(v.get<double>());
    return fallback;
}

inline bool flag(const nlohmann::json& j, std::string_view key) {
    const auto& v = member(j, key);
    return v.is_boolean() && v.get<bool>();
}

inline const nlohmann::json& arr(const nlohmann::json& j, std::string_view key) {
    static const nlohmann::json empty = nlohmann::json::array();
    const auto& v = member(j, key);
    return v.is_array() ? v : empty;
}

// "dev (111111111111/Dev)" or "111111111111/Dev" for a role object; "none" for null.
inline std::string describe_role(const nlohmann::json& role) {
    if (!role.is_object()) return "none";
    std::string ref = str(role, "account_id") + "/" + str(role, "role_name");
    if (auto p = opt_str(role, "profile")) return *p + " (" + ref + ")";
    return ref;
}

}  // namespace ssocred::cli
