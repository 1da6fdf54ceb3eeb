#include "sso/oidc_client.hpp"

#include <spdlog/spdlog.h>

#include "ssocred/json_fields.hpp"

#include "sso/upstream_error.hpp"

namespace ssocred::sso {
namespace {

using nlohmann::json;

// Serialises a request body that contains secrets and wipes the document's copies.
std::string dump_and_wipe(json& body) {
    std::string out = body.dump();
    jf::wipe(body);
    return out;
}

// Lifetimes beyond a year are nonsense from upstream; refusing them keeps the arithmetic safe.
constexpr std::int64_t kMaxLifetimeSeconds = 366LL * 24 * 3600;
// 2100-01-01: later expiries are nonsense too, and beyond 2262 SystemTime overflows (UB, found
// by fuzz/upstream_response); this bound stays representable after any clock-skew correction.
constexpr std::int64_t kMaxEpochSeconds = 4102444800;

}  // namespace

HttpOidcClient::HttpOidcClient(std::shared_ptr<HttpTransport> transport, BaseUrl base)
    : transport_(std::move(transport)), base_(std::move(base)) {}

std::optional<std::chrono::seconds> HttpOidcClient::clock_skew() const {
    if (!has_skew_.load()) return std::nullopt;
    return std::chrono::seconds(skew_seconds_.load());
}

Expected<HttpResponse> HttpOidcClient::post(const char* operation, const std::string& path,
                                            std::string body) {
    HttpRequest req;
    req.method = "POST";
    req.target = path;
    req.content_type = "application/json";
    req.body = std::move(body);
    auto res = transport_->send(std::move(req));
    if (!res) {
        Error e = std::move(res).error();
        e.message = std::string(operation) + ": " + e.message;
        return e;
    }
    if (res->skew) {
        skew_seconds_.store(res->skew->count());
        has_skew_.store(true);
    }
    if (res->status < 200 || res->status > 299)
        return upstream_error(*res, Upstream::Oidc, operation);
    spdlog::debug("sso-oidc {} -> {}", operation, res->status);
    return res;
}

Expected<ClientRegistration> HttpOidcClient::register_client(const RegisterClientRequest& r) {
    json body = json::object();
    body["clientName"] = r.client_name;
    body["clientType"] = "public";
    if (!r.scopes.empty()) body["scopes"] = r.scopes;
    if (!r.grant_types.empty()) body["grantTypes"] = r.grant_types;
    if (!r.redirect_uris.empty()) body["redirectUris"] = r.redirect_uris;
    if (!r.issuer_url.empty()) body["issuerUrl"] = r.issuer_url;
    auto res = post("RegisterClient", "/client/register", body.dump());
    if (!res) return std::move(res).error();
    auto j = jf::parse_object(res->body);
    if (!j) return bad_response("RegisterClient", "body is not a JSON object");
    auto id = jf::string_member(*j, "clientId");
    auto secret = jf::secret_member(*j, "clientSecret");
    auto expires = jf::int_member(*j, "clientSecretExpiresAt");
    if (!id || id->empty() || !secret || secret->empty()) {
        return bad_response("RegisterClient", "clientId or clientSecret missing");
    }
    if (!expires || *expires <= 0 || *expires > kMaxEpochSeconds) {
        return bad_response("RegisterClient", "clientSecretExpiresAt missing or invalid");
    }
    ClientRegistration reg;
    reg.client_id = *id;
    reg.client_secret = std::move(*secret);
    reg.expires_at = from_epoch_seconds(*expires) - res->skew.value_or(std::chrono::seconds(0));
    reg.grant_types = r.grant_types;
    reg.scopes = r.scopes;
    return reg;
}

Expected<DeviceAuthorization> HttpOidcClient::start_device_authorization(
    const ClientRegistration& client, const std::string& start_url) {
    json body = {{"clientId", client.client_id},
                 {"clientSecret", client.client_secret.reveal()},
                 {"startUrl", start_url}};
    auto res = post("StartDeviceAuthorization", "/device_authorization", dump_and_wipe(body));
    if (!res) return std::move(res).error();
    auto j = jf::parse_object(res->body);
    if (!j) return bad_response("StartDeviceAuthorization", "body is not a JSON object");
    DeviceAuthorization out;
    auto device_code = jf::secret_member(*j, "deviceCode");
    auto user_code = jf::string_member(*j, "userCode");
    auto uri = jf::string_member(*j, "verificationUri");
    auto uri_complete = jf::string_member(*j, "verificationUriComplete");
    auto expires_in = jf::int_member(*j, "expiresIn");
    auto interval = jf::int_member(*j, "interval");
    if (!device_code || device_code->empty() || !user_code || !uri) {
        return bad_response("StartDeviceAuthorization",
                            "deviceCode, userCode or verificationUri missing");
    }
    if (!expires_in || *expires_in <= 0 || *expires_in > kMaxLifetimeSeconds) {
        return bad_response("StartDeviceAuthorization", "expiresIn missing or invalid");
    }
    out.device_code = std::move(*device_code);
    out.user_code = *user_code;
    out.verification_uri = *uri;
    out.verification_uri_complete = uri_complete.value_or(*uri);
    out.expires_in = std::chrono::seconds(*expires_in);
    if (interval && *interval > 0 && *interval <= 600)
        out.interval = std::chrono::seconds(*interval);
    return out;
}

Expected<TokenResponse> HttpOidcClient::create_token(const char* grant, std::string body) {
    auto res = post("CreateToken", "/token", std::move(body));
    if (!res) return std::move(res).error();
    auto j = jf::parse_object(res->body);
    if (!j) return bad_response("CreateToken", "body is not a JSON object");
    TokenResponse out;
    auto access = jf::secret_member(*j, "accessToken");
    auto expires_in = jf::int_member(*j, "expiresIn");
    auto refresh = jf::secret_member(*j, "refreshToken");
    jf::wipe(*j);  // idToken and anything else sensitive
    if (!access || access->empty()) return bad_response("CreateToken", "accessToken missing");
    if (!expires_in || *expires_in <= 0 || *expires_in > kMaxLifetimeSeconds) {
        return bad_response("CreateToken", "expiresIn missing or invalid");
    }
    out.access_token = std::move(*access);
    out.token_type = "Bearer";
    out.expires_in = std::chrono::seconds(*expires_in);
    if (refresh) out.refresh_token = std::move(*refresh);
    spdlog::debug("CreateToken ({}) succeeded; access token valid {} s, refresh token {}", grant,
                  out.expires_in.count(), out.refresh_token.empty() ? "absent" : "present");
    return out;
}

Expected<TokenResponse> HttpOidcClient::create_token_device(const ClientRegistration& client,
                                                            const Secret& device_code) {
    json body = {{"clientId", client.client_id},
                 {"clientSecret", client.client_secret.reveal()},
                 {"grantType", kDeviceCodeGrant},
                 {"deviceCode", device_code.reveal()}};
    return create_token("device_code", dump_and_wipe(body));
}

Expected<TokenResponse> HttpOidcClient::create_token_refresh(const ClientRegistration& client,
                                                             const Secret& refresh_token) {
    json body = {{"clientId", client.client_id},
                 {"clientSecret", client.client_secret.reveal()},
                 {"grantType", "refresh_token"},
                 {"refreshToken", refresh_token.reveal()}};
    return create_token("refresh_token", dump_and_wipe(body));
}

Expected<TokenResponse> HttpOidcClient::create_token_auth_code(const ClientRegistration& client,
                                                               const Secret& code,
                                                               const std::string& redirect_uri,
                                                               const Secret& code_verifier) {
    json body = {
        {"clientId", client.client_id},           {"clientSecret", client.client_secret.reveal()},
        {"grantType", "authorization_code"},      {"redirectUri", redirect_uri},
        {"codeVerifier", code_verifier.reveal()}, {"code", code.reveal()}};
    return create_token("authorization_code", dump_and_wipe(body));
}

}  // namespace ssocred::sso
