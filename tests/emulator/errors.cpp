#include "errors.hpp"

namespace emu {

namespace {

// The namespaces the real services put in front of the shape name: the OIDC header carries
// a ":<coral url>" suffix, the portal body a "<namespace>#" prefix (PROTOCOLS.md §2.1).
constexpr std::string_view kOidcTypeSuffix =
    ":http://internal.amazon.com/coral/com.amazonaws.sso.oidc/";
constexpr std::string_view kPortalTypePrefix = "com.amazonaws.switchboard.portal#";

}  // namespace

Response error_reply(Service service, const ErrorShape& shape, std::string_view message) {
    Json body;
    Response res;
    if (service == Service::Oidc) {
        body["error"] = shape.oauth_code;
        body["error_description"] = message;
        body["__type"] = shape.name;
        body["message"] = message;
        res = json_reply(shape.status, body);
        res.set("x-amzn-ErrorType", std::string(shape.name) + std::string(kOidcTypeSuffix));
    } else {
        body["message"] = message;
        body["__type"] = std::string(kPortalTypePrefix) + std::string(shape.name);
        res = json_reply(shape.status, body);
        res.set("x-amzn-ErrorType", shape.name);
    }
    return res;
}

Response unknown_operation_reply(std::string_view method, std::string_view path) {
    Json body;
    body["__type"] = "UnknownOperationException";
    body["message"] = "No operation matches " + std::string(method) + " " + std::string(path);
    auto res = json_reply(http::status::not_found, body);
    res.set("x-amzn-ErrorType", "UnknownOperationException");
    return res;
}

}  // namespace emu
