#include "serve/reply.hpp"

#include "serve/json_error.hpp"

namespace ssocred::serve {

Reply Reply::error(WireError code, std::string_view message) {
    return error(http_status_of(code), code, message);
}

Reply Reply::error(unsigned status, WireError code, std::string_view message) {
    return owned(status, kJson, json_error_body(code, message));
}

Reply Reply::error(unsigned status, std::string_view code, std::string_view message) {
    return owned(status, kJson, json_error_body(code, message));
}

Reply Reply::from(Response response) {
    Reply r;
    r.status = response.status;
    if (response.content_type == kJson) {
        r.content_type = kJson;
    } else {
        r.owned_type = std::move(response.content_type);
    }
    if (response.secret_body) {
        r.borrowed_body = *response.secret_body;
        r.keepalive = std::move(response.secret_body);
        r.borrowed = true;
    } else {
        r.owned_body = std::move(response.body);
    }
    for (const auto& [name, value] : response.headers) {
        // Header injection guard: a CR or LF would split the response.
        if (name.find_first_of("\r\n:") != std::string::npos ||
            value.find_first_of("\r\n") != std::string::npos) {
            continue;
        }
        r.extra_headers += name;
        r.extra_headers += ": ";
        r.extra_headers += value;
        r.extra_headers += "\r\n";
    }
    if (r.owned_type.find_first_of("\r\n") != std::string::npos) r.owned_type = "text/plain";
    return r;
}

}  // namespace ssocred::serve
