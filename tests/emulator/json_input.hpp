// Reading untrusted JSON request bodies without exceptions reaching the server loop.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "http.hpp"

namespace emu {

// The body as a JSON object, or nothing if it is not valid JSON or not an object.
std::optional<Json> parse_object(const std::string& body);
// A string member, or nullptr when absent or not a string.
const std::string* string_member(const Json& obj, const char* key);
// A list<string> member: nullopt when absent; `ok` false when present but not a list of strings.
std::optional<std::vector<std::string>> string_list_member(const Json& obj, const char* key,
                                                           bool& ok);

}  // namespace emu
