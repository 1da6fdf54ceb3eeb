#include "oidc.hpp"

#include <algorithm>
#include <cctype>

#include "ssocred/crypto.hpp"

#include "errors.hpp"
#include "json_input.hpp"

namespace emu {

namespace crypto = ssocred::crypto;
using namespace oidc_errors;

namespace {

Response fail(const ErrorShape& shape, std::string_view message) {
    return error_reply(Service::Oidc, shape, message);
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

long long epoch_seconds(SystemTime t) {
    return ssocred::to_epoch_seconds(t);
}

// RFC 8252 §7.3: for loopback redirect URIs the port is not part of the registration, so
// "http://127.0.0.1/oauth/callback" matches "http://127.0.0.1:54321/oauth/callback".
std::string without_loopback_port(const std::string& uri) {
    auto scheme_end = uri.find("://");
    if (scheme_end == std::string::npos) return uri;
    auto host_start = scheme_end + 3;
    auto host_end = uri.find_first_of("/?#", host_start);
    std::string authority = uri.substr(host_start, host_end - host_start);
    auto colon = authority.rfind(':');
    auto bracket = authority.rfind(']');
    std::string host = authority;
    if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
        host = authority.substr(0, colon);
    }
    if (host != "127.0.0.1" && host != "localhost" && host != "[::1]") return uri;
    return uri.substr(0, host_start) + host +
           (host_end == std::string::npos ? "" : uri.substr(host_end));
}

bool is_loopback_redirect(const std::string& uri) {
    for (std::string_view host : {"http://127.0.0.1", "http://localhost", "http://[::1]"}) {
        if (!uri.starts_with(host)) continue;
        const std::size_t n = host.size();
        if (uri.size() == n || uri[n] == ':' || uri[n] == '/') return true;
    }
    return false;
}

// Scope syntax as the service checks it: colon-separated words ("sso:account:access",
// "codewhisperer:completions", "openid"), no spaces.
bool valid_scope(const std::string& scope) {
    if (scope.empty() || scope.front() == ':' || scope.back() == ':') return false;
    return std::all_of(scope.begin(), scope.end(), [](unsigned char c) {
        return std::isalnum(c) || c == ':' || c == '_' || c == '-' || c == '.' || c == '*';
    });
}

// Only clients registered with scopes get refresh tokens: a legacy device-flow login
// (no sso_registration_scopes) gets a non-refreshable token, as from the real service.
Json token_response(State& state, const Client& client, const std::string& grant) {
    const AccessToken& access = state.issue_access_token(client.id, grant);
    Json out;
    out["accessToken"] = access.token;
    out["tokenType"] = "Bearer";
    out["expiresIn"] = state.settings().access_token_ttl;
    if (!client.scopes.empty()) out["refreshToken"] = state.issue_refresh_token(client.id).token;
    return out;
}

Response device_code_grant(State& state, const Client& client, const Json& in) {
    if (!client.grant_types.empty() && !contains(client.grant_types, kDeviceCodeGrant)) {
        return fail(kUnauthorizedClient, "Client is not authorized for the device code grant");
    }
    const std::string* code = string_member(in, "deviceCode");
    if (!code) return fail(kInvalidRequest, "deviceCode is required for this grant type");
    DeviceCode* d = state.find_device_code(*code);
    if (!d || d->client_id != client.id || d->used) {
        return fail(kInvalidGrant, "Invalid device code provided");
    }
    const SystemTime now = state.now();
    if (d->expires_at <= now) return fail(kExpiredToken, "Device code has expired");
    const auto interval = std::chrono::seconds(state.settings().device_interval);
    // A little slack: a client that sleeps `interval` after a reply polls slightly later than
    // `interval` after the previous request, but timers can fire a hair early.
    if (interval.count() > 0 && d->last_poll &&
        now - *d->last_poll < interval - std::chrono::milliseconds(50)) {
        d->last_poll = now;
        return fail(kSlowDown, "Client is polling too quickly");
    }
    d->last_poll = now;
    if (state.settings().deny) return fail(kAccessDenied, "The user denied the authorization");
    if (!d->approved) {
        const long long after = state.settings().approve_after;
        if (after >= 0 && d->pending_answers >= after) {
            d->approved = true;
        } else {
            ++d->pending_answers;
            return fail(kAuthorizationPending, "Authorization is still pending");
        }
    }
    d->used = true;
    return json_reply(http::status::ok, token_response(state, client, "device_code"));
}

Response refresh_grant(State& state, const Client& client, const Json& in) {
    if (!client.grant_types.empty() && !contains(client.grant_types, "refresh_token")) {
        return fail(kUnauthorizedClient, "Client is not authorized for the refresh token grant");
    }
    const std::string* token = string_member(in, "refreshToken");
    if (!token) return fail(kInvalidRequest, "refreshToken is required for this grant type");
    RefreshToken* r = state.find_refresh_token(*token);
    // A used (rotated), revoked or foreign refresh token all look the same to the caller.
    const bool within_grace =
        r && r->used &&
        state.now() - r->used_at <= std::chrono::seconds(state.settings().refresh_reuse_grace);
    if (!r || (r->used && !within_grace) || r->revoked || r->client_id != client.id) {
        return fail(kInvalidGrant, "Invalid refresh token provided");
    }
    if (!r->used) {
        r->used = true;
        r->used_at = state.now();
    }
    return json_reply(http::status::ok, token_response(state, client, "refresh_token"));
}

Response authorization_code_grant(State& state, const Client& client, const Json& in) {
    if (!contains(client.grant_types, "authorization_code")) {
        return fail(kUnauthorizedClient,
                    "Client is not authorized for the authorization code grant");
    }
    const std::string* code = string_member(in, "code");
    const std::string* redirect = string_member(in, "redirectUri");
    const std::string* verifier = string_member(in, "codeVerifier");
    if (!code || !redirect || !verifier) {
        return fail(kInvalidRequest, "code, redirectUri and codeVerifier are required");
    }
    AuthCode* a = state.find_auth_code(*code);
    if (!a || a->used || a->client_id != client.id) {
        return fail(kInvalidGrant, "Invalid authorization code provided");
    }
    if (a->expires_at <= state.now()) return fail(kExpiredToken, "Authorization code has expired");
    if (a->redirect_uri != *redirect) {
        return fail(kInvalidGrant, "redirectUri does not match the authorization request");
    }
    const std::string challenge = crypto::base64url_encode(crypto::sha256_raw(*verifier));
    if (!crypto::constant_time_equals(challenge, a->code_challenge)) {
        return fail(kInvalidGrant, "Code verifier does not match the code challenge");
    }
    a->used = true;
    return json_reply(http::status::ok, token_response(state, client, "authorization_code"));
}

}  // namespace

std::string grant_counter_name(const Request& req) {
    auto in = parse_object(req.body());
    const std::string* g = in ? string_member(*in, "grantType") : nullptr;
    if (!g) return "other";
    if (*g == kDeviceCodeGrant) return "device_code";
    if (*g == "refresh_token" || *g == "authorization_code") return *g;
    return "other";
}

Response register_client(State& state, const Request& req) {
    auto in = parse_object(req.body());
    if (!in) return fail(kInvalidRequest, "Request body is not a valid JSON object");
    const std::string* name = string_member(*in, "clientName");
    const std::string* type = string_member(*in, "clientType");
    if (!name || name->empty() || !type) {
        return fail(kInvalidRequest, "clientName and clientType are required");
    }
    if (*type != "public") return fail(kInvalidClientMetadata, "Only public clients are supported");
    bool ok = true;
    auto scopes = string_list_member(*in, "scopes", ok);
    auto redirects = string_list_member(*in, "redirectUris", ok);
    auto grants = string_list_member(*in, "grantTypes", ok);
    if (!ok) return fail(kInvalidRequest, "scopes, redirectUris and grantTypes are string lists");
    for (const auto& sc : scopes.value_or(std::vector<std::string>{})) {
        if (!valid_scope(sc)) return fail(kInvalidScope, "Invalid scope: " + sc);
    }
    for (const auto& g : grants.value_or(std::vector<std::string>{})) {
        if (g != "authorization_code" && g != "refresh_token" && g != kDeviceCodeGrant) {
            return fail(kUnsupportedGrantType, "Unsupported grant type: " + g);
        }
    }
    for (const auto& r : redirects.value_or(std::vector<std::string>{})) {
        if (!is_loopback_redirect(r)) {
            return fail(kInvalidRedirectUri, "Only loopback http redirect URIs are supported");
        }
    }
    Client c;
    c.id = crypto::random_base64url(24);
    c.secret = crypto::random_base64url(128);
    c.name = *name;
    c.scopes = scopes.value_or(std::vector<std::string>{});
    c.redirect_uris = redirects.value_or(std::vector<std::string>{});
    c.grant_types = grants.value_or(std::vector<std::string>{});
    c.issued_at = state.now();
    c.expires_at = c.issued_at + std::chrono::seconds(state.settings().registration_ttl);
    const Client& stored = state.add_client(std::move(c));
    Json out;
    out["clientId"] = stored.id;
    out["clientSecret"] = stored.secret;
    out["clientIdIssuedAt"] = epoch_seconds(stored.issued_at);
    out["clientSecretExpiresAt"] = epoch_seconds(stored.expires_at);
    return json_reply(http::status::ok, out);
}

Response start_device_authorization(State& state, const Request& req) {
    auto in = parse_object(req.body());
    if (!in) return fail(kInvalidRequest, "Request body is not a valid JSON object");
    const std::string* id = string_member(*in, "clientId");
    const std::string* secret = string_member(*in, "clientSecret");
    const std::string* start_url = string_member(*in, "startUrl");
    if (!id || !secret || !start_url) {
        return fail(kInvalidRequest, "clientId, clientSecret and startUrl are required");
    }
    const Client* client = state.find_client(*id, *secret);
    if (!client)
        return fail(kInvalidClient, "Invalid client id or secret, or registration expired");
    if (!client->grant_types.empty() && !contains(client->grant_types, kDeviceCodeGrant)) {
        return fail(kUnauthorizedClient, "Client is not authorized for the device code grant");
    }
    const DeviceCode& d = state.add_device_code(client->id);
    Json out;
    out["deviceCode"] = d.device_code;
    out["userCode"] = d.user_code;
    out["verificationUri"] = state.base_url() + "/device";
    out["verificationUriComplete"] =
        state.base_url() + "/device?user_code=" + url_encode(d.user_code);
    out["expiresIn"] = state.settings().device_code_ttl;
    out["interval"] = state.settings().device_interval;
    return json_reply(http::status::ok, out);
}

Response create_token(State& state, const Request& req) {
    auto in = parse_object(req.body());
    if (!in) return fail(kInvalidRequest, "Request body is not a valid JSON object");
    const std::string* id = string_member(*in, "clientId");
    const std::string* secret = string_member(*in, "clientSecret");
    const std::string* grant = string_member(*in, "grantType");
    if (!id || !secret || !grant) {
        return fail(kInvalidRequest, "clientId, clientSecret and grantType are required");
    }
    const Client* client = state.find_client(*id, *secret);
    if (!client)
        return fail(kInvalidClient, "Invalid client id or secret, or registration expired");
    if (*grant == kDeviceCodeGrant) return device_code_grant(state, *client, *in);
    if (*grant == "refresh_token") return refresh_grant(state, *client, *in);
    if (*grant == "authorization_code") return authorization_code_grant(state, *client, *in);
    return fail(kUnsupportedGrantType, "Unsupported grant type: " + *grant);
}

Response authorize(State& state, const Target& target) {
    const std::string* client_id = target.param("client_id");
    const std::string* redirect = target.param("redirect_uri");
    if (!client_id || !redirect)
        return fail(kInvalidRequest, "client_id and redirect_uri are required");
    const Client* client = state.find_client(*client_id);
    if (!client || client->expires_at <= state.now()) {
        return fail(kInvalidClient, "Unknown client or registration expired");
    }
    // Never redirect to a URI the client did not register (an open redirect otherwise).
    const bool registered = std::any_of(
        client->redirect_uris.begin(), client->redirect_uris.end(), [&](const std::string& r) {
            return without_loopback_port(r) == without_loopback_port(*redirect);
        });
    if (!registered)
        return fail(kInvalidRedirectUri, "redirect_uri is not registered for this client");

    const std::string* state_param = target.param("state");
    auto redirect_to = [&](const std::string& query) {
        std::string location = *redirect + (redirect->find('?') == std::string::npos ? "?" : "&");
        location += query;
        if (state_param) location += "&state=" + url_encode(*state_param);
        Response res = empty_reply(http::status::found);
        res.set(http::field::location, location);
        return res;
    };
    const std::string* response_type = target.param("response_type");
    const std::string* method = target.param("code_challenge_method");
    const std::string* challenge = target.param("code_challenge");
    if (!response_type || *response_type != "code")
        return redirect_to("error=unsupported_response_type");
    if (!method || *method != "S256" || !challenge || challenge->empty()) {
        return redirect_to("error=invalid_request");
    }
    if (!contains(client->grant_types, "authorization_code")) {
        return redirect_to("error=unauthorized_client");
    }
    if (state.settings().deny) return redirect_to("error=access_denied");
    AuthCode a;
    a.code = crypto::random_base64url(48);
    a.client_id = client->id;
    a.redirect_uri = *redirect;
    a.code_challenge = *challenge;
    a.expires_at = state.now() + std::chrono::seconds(state.settings().auth_code_ttl);
    const AuthCode& stored = state.add_auth_code(std::move(a));
    return redirect_to("code=" + url_encode(stored.code));
}

Response verify_device(State& state, const Target& target) {
    const std::string* user_code = target.param("user_code");
    if (!user_code) return fail(kInvalidRequest, "user_code is required");
    Json out;
    out["approved"] = state.approve(*user_code);
    out["message"] = "This is ssocred-emulator (a test tool): the device code is approved.";
    return json_reply(http::status::ok, out);
}

}  // namespace emu
