#include "federation.hpp"

#include <charconv>

#include "ssocred/crypto.hpp"

namespace emu {
namespace {

namespace crypto = ssocred::crypto;

// The real endpoint answers errors with a page, not a JSON error shape; a small JSON
// message is enough for tests and humans.
Response refuse(http::status status, std::string_view message) {
    return json_reply(status, Json{{"message", message}});
}

std::string string_member(const Json& j, const char* name) {
    auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Response get_signin_token(State& state, const Target& target) {
    const std::string* session = target.param("Session");
    if (!session) return refuse(http::status::bad_request, "Session is required");
    std::optional<long long> duration;
    if (const std::string* d = target.param("SessionDuration")) {
        long long value = 0;
        const auto [end, ec] = std::from_chars(d->data(), d->data() + d->size(), value);
        // The documented range: 15 minutes to 12 hours.
        if (ec != std::errc() || end != d->data() + d->size() || value < 900 || value > 43200)
            return refuse(http::status::bad_request,
                          "SessionDuration must be a number of seconds from 900 to 43200");
        duration = value;
    }
    const Json j = Json::parse(*session, nullptr, false);
    if (!j.is_object()) return refuse(http::status::bad_request, "Invalid credentials parameter");
    const std::string id = string_member(j, "sessionId");
    const std::string key = string_member(j, "sessionKey");
    const std::string token = string_member(j, "sessionToken");
    if (id.empty() || key.empty() || token.empty())
        return refuse(http::status::bad_request, "Invalid credentials parameter");

    const IssuedCredentials* issued = nullptr;
    for (const auto& c : state.issued()) {
        if (c.access_key_id == id) issued = &c;
    }
    if (!issued || !crypto::constant_time_equals(issued->secret_access_key, key) ||
        !crypto::constant_time_equals(issued->session_token, token)) {
        return refuse(http::status::forbidden,
                      "The security token included in the request is "
                      "invalid");
    }
    if (issued->expiration <= state.now())
        return refuse(http::status::forbidden,
                      "The security token included in the request is expired");
    const SigninToken& t = state.add_signin_token(id, duration);
    return json_reply(http::status::ok, Json{{"SigninToken", t.token}});
}

Response console_login(State& state, const Target& target) {
    const std::string* token = target.param("SigninToken");
    const std::string* destination = target.param("Destination");
    if (!token || !destination || destination->empty())
        return refuse(http::status::bad_request, "SigninToken and Destination are required");
    const SigninToken* t = state.find_signin_token(*token);
    if (!t || t->expires_at <= state.now())
        return refuse(http::status::bad_request,
                      "The sign-in token is invalid or has expired; sign in again");
    Response res = empty_reply(http::status::found);
    res.set(http::field::location, *destination);
    return res;
}

}  // namespace

std::string federation_operation(const Target& target) {
    const std::string* action = target.param("Action");
    if (action && *action == "getSigninToken") return "GetSigninToken";
    if (action && *action == "login") return "ConsoleLogin";
    return "Federation";
}

Response federation(State& state, const Target& target) {
    const std::string op = federation_operation(target);
    if (op == "GetSigninToken") return get_signin_token(state, target);
    if (op == "ConsoleLogin") return console_login(state, target);
    return refuse(http::status::bad_request, "Action must be getSigninToken or login");
}

}  // namespace emu
