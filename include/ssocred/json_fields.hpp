// Defensive readers of JSON members, the one set of them in ssocred (daemon and client; the
// client's client/json_util.hpp only renames them). Every member is checked for presence and
// type, so a hostile or broken body (an upstream answer, a control request or reply, another
// tool's cache file, a state file) is an absent value, never an exception or a crash.
//
// Three families, by what an absent or mistyped member means to the caller:
//  - strict, `*_member` -> std::optional: nullopt when absent, null or of another type. The
//    caller decides: BadResponse for an upstream, "malformed" for a state file.
//  - typed with a default, `*_member_or` -> std::optional: absent or null is the fallback,
//    another type is nullopt. For optional members of documents ssocred wrote itself, where a
//    wrong type means corruption and must reject the document (fail closed), not read as the
//    default.
//  - lenient, `*_or` / `member_or_null` / `array_or_empty` -> a plain value: absent, null or
//    mistyped all read as the fallback. For request members with a natural default and for
//    the CLI reading the daemon's replies (a daemon that adds or omits a member never makes
//    the CLI throw).
//
// Keys are std::string_view, so a key may be any string (nlohmann looks it up without a copy).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ssocred/secret.hpp"

namespace ssocred::jf {

// nullopt when the body is not a JSON object. Never throws (a number beyond double, 1e400,
// is a parse failure here, not an exception).
inline std::optional<nlohmann::json> parse_object(std::string_view body) {
    auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
}

// ---- strict ---------------------------------------------------------------------------------

// The member itself, of any type (null included); nullptr when absent or `j` is no object.
inline const nlohmann::json* member(const nlohmann::json& j, std::string_view key) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

// Absent or null: what an optional member that was left out looks like, whichever way the
// writer chose to leave it out.
inline bool absent(const nlohmann::json& j, std::string_view key) {
    const auto* m = member(j, key);
    return m == nullptr || m->is_null();
}

inline std::optional<std::string> string_member(const nlohmann::json& j, std::string_view key) {
    const auto* m = member(j, key);
    if (m == nullptr || !m->is_string()) return std::nullopt;
    return m->get_ref<const std::string&>();
}

// A view of the string inside the document, no copy: for checking a secret without leaving a
// copy of it behind, or copying it straight into a Secret. Valid while `j` is unchanged.
inline std::optional<std::string_view> string_view_member(const nlohmann::json& j,
                                                          std::string_view key) {
    const auto* m = member(j, key);
    if (m == nullptr || !m->is_string()) return std::nullopt;
    return std::string_view(m->get_ref<const std::string&>());
}

inline std::optional<bool> bool_member(const nlohmann::json& j, std::string_view key) {
    const auto* m = member(j, key);
    if (m == nullptr || !m->is_boolean()) return std::nullopt;
    return m->get<bool>();
}

// A whole number that fits std::int64_t. nlohmann keeps non-negative integers as unsigned
// (is_number_integer() is true for those too), so the unsigned case is checked first: one
// above INT64_MAX is absent, not wrapped to a negative value. A float counts when it is a
// whole number (some emitters write 3600.0) within +-9e15, where a double is still exact;
// a fraction, or a float beyond that, is absent (the cast of a huge double would be UB).
inline std::optional<std::int64_t> int_member(const nlohmann::json& j, std::string_view key) {
    const auto* m = member(j, key);
    if (m == nullptr) return std::nullopt;
    if (m->is_number_unsigned()) {
        const auto u = m->get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return std::nullopt;
        return static_cast<std::int64_t>(u);
    }
    if (m->is_number_integer()) return m->get<std::int64_t>();
    if (m->is_number_float()) {
        const double d = m->get<double>();
        if (d >= -9.0e15 && d <= 9.0e15 && d == static_cast<double>(static_cast<std::int64_t>(d))) {
            return static_cast<std::int64_t>(d);
        }
    }
    return std::nullopt;
}

// The member when it is an array / an object; nullptr otherwise.
inline const nlohmann::json* array_member(const nlohmann::json& j, std::string_view key) {
    const auto* m = member(j, key);
    return m != nullptr && m->is_array() ? m : nullptr;
}

inline const nlohmann::json* object_member(const nlohmann::json& j, std::string_view key) {
    const auto* m = member(j, key);
    return m != nullptr && m->is_object() ? m : nullptr;
}

// An array of strings; nullopt when absent, not an array, or any element is not a string
// (a list with a hole in it is not the list the writer meant).
inline std::optional<std::vector<std::string>> string_array_member(const nlohmann::json& j,
                                                                   std::string_view key) {
    const auto* m = array_member(j, key);
    if (m == nullptr) return std::nullopt;
    std::vector<std::string> out;
    out.reserve(m->size());
    for (const auto& v : *m) {
        if (!v.is_string()) return std::nullopt;
        out.push_back(v.get_ref<const std::string&>());
    }
    return out;
}

// Moves a secret out of the document and wipes the copy left in it.
inline std::optional<Secret> secret_member(nlohmann::json& j, std::string_view key) {
    if (!j.is_object()) return std::nullopt;
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    auto& s = it->get_ref<std::string&>();
    Secret out(s);
    secure_wipe(s);
    return out;
}

// ---- typed with a default (absent/null -> fallback, mistyped -> nullopt) --------------------

inline std::optional<std::string> string_member_or(const nlohmann::json& j, std::string_view key,
                                                   std::string fallback = {}) {
    if (absent(j, key)) return fallback;
    return string_member(j, key);
}

inline std::optional<bool> bool_member_or(const nlohmann::json& j, std::string_view key,
                                          bool fallback = false) {
    if (absent(j, key)) return fallback;
    return bool_member(j, key);
}

inline std::optional<std::int64_t> int_member_or(const nlohmann::json& j, std::string_view key,
                                                 std::int64_t fallback = 0) {
    if (absent(j, key)) return fallback;
    return int_member(j, key);
}

inline std::optional<std::vector<std::string>> string_array_member_or(const nlohmann::json& j,
                                                                      std::string_view key) {
    if (absent(j, key)) return std::vector<std::string>();
    return string_array_member(j, key);
}

// ---- lenient (absent, null or mistyped -> fallback) -----------------------------------------

// The member, or a null value: never a dangling reference, never an exception.
inline const nlohmann::json& member_or_null(const nlohmann::json& j, std::string_view key) {
    static const nlohmann::json null_value;
    const auto* m = member(j, key);
    return m == nullptr ? null_value : *m;
}

// The member when it is an array, else an empty array (so a range-for over it just runs 0 times).
inline const nlohmann::json& array_or_empty(const nlohmann::json& j, std::string_view key) {
    static const nlohmann::json empty = nlohmann::json::array();
    const auto* m = array_member(j, key);
    return m == nullptr ? empty : *m;
}

inline std::string string_or(const nlohmann::json& j, std::string_view key,
                             std::string fallback = {}) {
    auto s = string_member(j, key);
    return s ? std::move(*s) : std::move(fallback);
}

inline bool bool_or(const nlohmann::json& j, std::string_view key, bool fallback = false) {
    return bool_member(j, key).value_or(fallback);
}

// See int_member for what reads as a number; anything else is the fallback.
inline std::int64_t int_or(const nlohmann::json& j, std::string_view key,
                           std::int64_t fallback = 0) {
    return int_member(j, key).value_or(fallback);
}

// ---- wiping ---------------------------------------------------------------------------------

// Wipes every string in the document (bodies that carried tokens).
inline void wipe(nlohmann::json& j) {
    if (j.is_string()) {
        secure_wipe(j.get_ref<std::string&>());
    } else if (j.is_structured()) {
        for (auto& v : j) wipe(v);
    }
}

}  // namespace ssocred::jf
