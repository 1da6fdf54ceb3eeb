// Defensive readers of JSON members, the one set of them in the daemon: every member is
// checked for presence and type, so a hostile or broken body (an upstream answer, a control
// request, another tool's cache file) is an absent value, never an exception or a crash.
// What an absent value means is the caller's: BadResponse for an upstream, a default for
// an optional request member.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ssocred/secret.hpp"

namespace ssocred::jf {

// nullopt when the body is not a JSON object.
inline std::optional<nlohmann::json> parse_object(std::string_view body) {
    auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
}

inline const nlohmann::json* member(const nlohmann::json& j, const char* key) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

inline std::optional<std::string> string_member(const nlohmann::json& j, const char* key) {
    const auto* m = member(j, key);
    if (m == nullptr || !m->is_string()) return std::nullopt;
    return m->get_ref<const std::string&>();
}

inline std::optional<bool> bool_member(const nlohmann::json& j, const char* key) {
    const auto* m = member(j, key);
    if (m == nullptr || !m->is_boolean()) return std::nullopt;
    return m->get<bool>();
}

// Moves a secret out of the document and wipes the copy left in it.
inline std::optional<Secret> secret_member(nlohmann::json& j, const char* key) {
    if (!j.is_object()) return std::nullopt;
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    auto& s = it->get_ref<std::string&>();
    Secret out(s);
    secure_wipe(s);
    return out;
}

inline std::optional<std::int64_t> int_member(const nlohmann::json& j, const char* key) {
    const auto* m = member(j, key);
    if (m == nullptr) return std::nullopt;
    if (m->is_number_integer()) return m->get<std::int64_t>();
    if (m->is_number_unsigned()) {
        const auto u = m->get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return std::nullopt;
        return static_cast<std::int64_t>(u);
    }
    if (m->is_number_float()) {  // some emitters write 3600.0
        const double d = m->get<double>();
        if (d >= -9.0e15 && d <= 9.0e15 && d == static_cast<double>(static_cast<std::int64_t>(d))) {
            return static_cast<std::int64_t>(d);
        }
    }
    return std::nullopt;
}

// Wipes every string in the document (bodies that carried tokens).
inline void wipe(nlohmann::json& j) {
    if (j.is_string()) {
        secure_wipe(j.get_ref<std::string&>());
    } else if (j.is_structured()) {
        for (auto& v : j) wipe(v);
    }
}

}  // namespace ssocred::jf
