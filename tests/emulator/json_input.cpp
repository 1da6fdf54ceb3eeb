#include "json_input.hpp"

namespace emu {

std::optional<Json> parse_object(const std::string& body) {
    Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
}

const std::string* string_member(const Json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return nullptr;
    return it->get_ptr<const std::string*>();
}

std::optional<std::vector<std::string>> string_list_member(const Json& obj, const char* key,
                                                           bool& ok) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    std::vector<std::string> out;
    if (!it->is_array()) {
        ok = false;
        return out;
    }
    for (const Json& v : *it) {
        if (!v.is_string()) {
            ok = false;
            return out;
        }
        out.push_back(v.get<std::string>());
    }
    return out;
}

}  // namespace emu
