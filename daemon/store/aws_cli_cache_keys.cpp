#include "store/aws_cli_cache_keys.hpp"

#include <nlohmann/json.hpp>

#include "ssocred/crypto.hpp"

namespace ssocred::aws_cli {
namespace {

// nlohmann's ensure_ascii output matches Python's json.dumps string encoding byte for byte:
// the same short escapes (\" \\ \b \f \n \r \t), \u00XX for other controls, lower-case
// \uXXXX (with surrogate pairs) for U+007F and above, and '/' left alone.
std::string py_string(const std::string& s) {
    return nlohmann::json(s).dump(-1, ' ', /*ensure_ascii=*/true);
}

}  // namespace

std::string token_cache_key(std::string_view session_or_start_url) {
    return crypto::sha1_hex(session_or_start_url);
}

Expected<std::string> registration_key_json(const RegistrationKey& key) {
    try {
        // Members in sort_keys order (code point order): region, scopes, session_name,
        // startUrl, tool.
        std::string out = "{\"region\": " + py_string(key.region) + ", \"scopes\": ";
        if (key.scopes) {
            out += "[";
            for (std::size_t i = 0; i < key.scopes->size(); ++i) {
                if (i != 0) out += ", ";
                out += py_string((*key.scopes)[i]);
            }
            out += "]";
        } else {
            out += "null";
        }
        out += ", \"session_name\": ";
        out += key.session_name ? py_string(*key.session_name) : std::string("null");
        out += ", \"startUrl\": " + py_string(key.start_url) + ", \"tool\": \"botocore\"}";
        return out;
    } catch (const nlohmann::json::exception&) {
        return Error::make(ErrorCode::Invalid,
                           "start URL, region, scopes or session name is not valid UTF-8");
    }
}

Expected<std::string> registration_cache_key(const RegistrationKey& key) {
    auto text = registration_key_json(key);
    if (!text) return std::move(text).error();
    return crypto::sha1_hex(*text);
}

}  // namespace ssocred::aws_cli
