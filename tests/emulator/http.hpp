// HTTP vocabulary shared by the handlers: message types, target parsing, JSON replies.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace emu {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;
using Json = nlohmann::json;

// A request target split into its path and decoded query parameters (first value wins, as
// the real services only ever read one).
struct Target {
    std::string path;
    std::map<std::string, std::string> query;

    const std::string* param(const std::string& name) const {
        auto it = query.find(name);
        return it == query.end() ? nullptr : &it->second;
    }
};

Target parse_target(std::string_view target);
std::string url_decode(std::string_view text);
// Percent-encodes everything except unreserved characters (RFC 3986).
std::string url_encode(std::string_view text);

// A reply with a JSON body. Date, Content-Type and keep-alive are filled in later by the
// router, so every response carries them whatever produced it.
Response json_reply(http::status status, const Json& body);
// A reply with an empty body (Logout, admin acknowledgements).
Response empty_reply(http::status status);

}  // namespace emu
