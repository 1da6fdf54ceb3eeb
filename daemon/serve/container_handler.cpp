#include "serve/container_handler.hpp"

#include <optional>
#include <string>

#include "serve/json_error.hpp"

namespace ssocred::serve {

namespace {

// Pre-built bodies for the errors an unauthenticated caller can trigger, so that probing
// the endpoint costs no serialisation.
const std::string& body_no_token() {
    static const std::string b = json_error_body(
        WireError::Unauthorized,
        "missing endpoint token: set AWS_CONTAINER_AUTHORIZATION_TOKEN (see `ssocred env`)");
    return b;
}
const std::string& body_bad_token() {
    static const std::string b = json_error_body(
        WireError::Unauthorized,
        "the endpoint token is unknown, expired or revoked: run `ssocred env` for a current one");
    return b;
}

Reply forbidden_role() {
    return Reply::error(WireError::Forbidden,
                        "this endpoint token is scoped to another role: mint one for this role "
                        "with `ssocred env --profile PROFILE`");
}

// Splits "/a/b/c" into segments; false when there are more than `max`.
bool split_path(std::string_view path, std::string_view (&out)[8], std::size_t& count) {
    count = 0;
    std::string_view rest = path.substr(1);
    while (!rest.empty()) {
        if (count == 8) return false;
        const auto slash = rest.find('/');
        out[count++] = rest.substr(0, slash);
        if (slash == std::string_view::npos) break;
        rest = rest.substr(slash + 1);
        if (rest.empty()) {  // trailing slash: an empty last segment
            // Eight segments and a trailing slash wrote out[8] (stack overflow, found by
            // fuzz/http_server, reachable without a token).
            if (count == 8) return false;
            out[count++] = {};
        }
    }
    return true;
}

}  // namespace

std::string_view authorization_token(std::string_view value) noexcept {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (value.size() > 7 && iequals(value.substr(0, 7), "Bearer ")) {
        value.remove_prefix(7);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    return value;
}

void ContainerHandler::handle(const Request& request, ReplyFn done) {
    std::string_view seg[8];
    std::size_t n = 0;
    enum class Kind { Active, Profile, Role } kind{};
    if (!split_path(request.path, seg, n)) {
        return done(Reply::error(WireError::NotFound, "unknown path"));
    }
    if (n == 2 && seg[0] == "v1" && seg[1] == "credentials") {
        kind = Kind::Active;
    } else if (n == 4 && seg[0] == "v1" && seg[1] == "profiles" && seg[3] == "credentials" &&
               !seg[2].empty()) {
        kind = Kind::Profile;
    } else if (n == 6 && seg[0] == "v1" && seg[1] == "accounts" && seg[3] == "roles" &&
               seg[5] == "credentials" && !seg[2].empty() && !seg[4].empty()) {
        kind = Kind::Role;
    } else {
        return done(Reply::error(WireError::NotFound,
                                 "unknown path: use /v1/credentials, "
                                 "/v1/profiles/{profile}/credentials or "
                                 "/v1/accounts/{account_id}/roles/{role_name}/credentials"));
    }
    if (request.method != "GET" && request.method != "HEAD") {
        Reply r = Reply::error(WireError::MethodNotAllowed, "use GET");
        r.extra_headers = "Allow: GET, HEAD\r\n";
        return done(std::move(r));
    }

    const auto auth = request.header("Authorization");
    if (!auth || authorization_token(*auth).empty()) {
        return done(Reply::view(401, kJson, body_no_token()));
    }
    const auto grant = tokens_.authenticate(authorization_token(*auth));
    if (!grant) return done(Reply::view(401, kJson, body_bad_token()));
    // An active-role token (`ssocred env`'s default) names no role: /v1/credentials only.
    if (grant->active_only && kind != Kind::Active) return done(forbidden_role());

    RoleRef role;
    switch (kind) {
        case Kind::Active:
            if (!grant->all_roles && !grant->active_only) {
                role = grant->role;  // a scoped token's /v1/credentials is its own role
            } else if (auto active = source_.active_role()) {
                role = std::move(*active);
            } else {
                return done(Reply::error(WireError::NotFound,
                                         "no active role: run `ssocred use PROFILE` or use "
                                         "/v1/profiles/{profile}/credentials"));
            }
            break;
        case Kind::Profile: {
            // A scoped token may read one role: for it every other outcome (no such profile,
            // a malformed name, another role's profile) is the same 403, so its holder
            // cannot learn which profile names exist.
            const auto name = percent_decode(seg[2], false);
            if (!name) {
                if (!grant->all_roles) return done(forbidden_role());
                return done(Reply::error(WireError::Invalid, "malformed profile name in path"));
            }
            auto resolved = source_.resolve_profile(*name);
            if (!resolved) {
                if (!grant->all_roles) return done(forbidden_role());
                return done(Reply::from(json_error(resolved.error())));
            }
            role = std::move(*resolved);
            break;
        }
        case Kind::Role: {
            auto account = percent_decode(seg[2], false);
            auto role_name = percent_decode(seg[4], false);
            if (!account || !role_name) {
                return done(Reply::error(WireError::Invalid, "malformed account or role in path"));
            }
            role.account_id = std::move(*account);
            role.role_name = std::move(*role_name);
            break;
        }
    }
    if (!grant_allows(*grant, role)) return done(forbidden_role());

    auto serve_body = [done = std::move(done)](Expected<CredentialsPtr> result) {
        if (!result) return done(Reply::from(json_error(result.error())));
        CredentialsPtr creds = std::move(*result);
        if (!creds) return done(Reply::error(WireError::Internal, "no credentials"));
        const std::string_view body = creds->container_json;
        done(Reply::view(200, kJson, body, std::move(creds)));
    };
    static_assert(CredentialsCallback::fits_inline<decltype(serve_body)>,
                  "serving a cached credential must not allocate a completion");
    source_.get(role, std::move(serve_body));
}

}  // namespace ssocred::serve
