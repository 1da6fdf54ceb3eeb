#include "serve/json_error.hpp"

#include <nlohmann/json.hpp>

namespace ssocred::serve {

std::string json_error_body(std::string_view code, std::string_view message) {
    // nlohmann escapes the strings; invalid UTF-8 is replaced rather than thrown on, since
    // a message may quote a user-supplied profile name.
    nlohmann::json j{{"code", code}, {"message", message}, {"Code", code}, {"Message", message}};
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string json_error_body(WireError code, std::string_view message) {
    return json_error_body(to_wire(code), message);
}

Response json_error(unsigned status, std::string_view code, std::string_view message) {
    Response r;
    r.status = status;
    r.content_type = "application/json";
    r.body = json_error_body(code, message);
    return r;
}

Response json_error(WireError code, std::string_view message) {
    return json_error(http_status_of(code), code, message);
}

Response json_error(unsigned status, WireError code, std::string_view message) {
    return json_error(status, to_wire(code), message);
}

std::string_view error_code_for(ErrorCode code) noexcept {
    return to_wire(wire_error_for(code));
}

Response json_error(const Error& error) {
    const WireError code = wire_error_for(error.code);
    Response r = json_error(code, error.message);
    // Which session needs a login, so the CLI can sign in to it (docs/control-api.md).
    if (!error.session.empty() && code == WireError::LoginRequired) {
        nlohmann::json j = nlohmann::json::parse(r.body);
        j["session"] = error.session;
        r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    return r;
}

unsigned http_status_for(ErrorCode code) noexcept {
    // The status follows from the API error code (docs/control-api.md, wire_error.hpp).
    return http_status_of(wire_error_for(code));
}

}  // namespace ssocred::serve
