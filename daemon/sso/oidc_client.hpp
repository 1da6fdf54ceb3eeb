// SSO OIDC API client (PROTOCOLS.md §3): RegisterClient, StartDeviceAuthorization and
// CreateToken with the device-code, refresh-token and authorization-code grants.
//
// Absolute upstream timestamps (clientSecretExpiresAt) are converted to local time by
// subtracting the clock skew measured on the same response, so callers compare every stored
// time with the local clock. Relative ones (expiresIn) are durations and need no correction.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ssocred/expected.hpp"
#include "ssocred/secret.hpp"

#include "sso/http_client.hpp"
#include "store/token_state.hpp"

namespace ssocred::sso {

inline constexpr const char* kDeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";

struct RegisterClientRequest {
    std::string client_name;
    std::vector<std::string> scopes;         // omitted when empty
    std::vector<std::string> grant_types;    // omitted when empty (device flow)
    std::vector<std::string> redirect_uris;  // omitted when empty
    std::string issuer_url;                  // omitted when empty
};

struct DeviceAuthorization {
    Secret device_code;
    std::string user_code;
    std::string verification_uri;
    std::string verification_uri_complete;
    std::chrono::seconds expires_in{0};
    std::chrono::seconds interval{5};  // 5 s when upstream gives none (CLI _DEFAULT_INTERVAL)
};

struct TokenResponse {
    Secret access_token;
    std::string token_type;
    std::chrono::seconds expires_in{0};
    Secret refresh_token;  // empty when upstream sent none
};

class OidcApi {
  public:
    virtual ~OidcApi() = default;
    virtual Expected<ClientRegistration> register_client(const RegisterClientRequest& request) = 0;
    virtual Expected<DeviceAuthorization> start_device_authorization(
        const ClientRegistration& client, const std::string& start_url) = 0;
    virtual Expected<TokenResponse> create_token_device(const ClientRegistration& client,
                                                        const Secret& device_code) = 0;
    virtual Expected<TokenResponse> create_token_refresh(const ClientRegistration& client,
                                                         const Secret& refresh_token) = 0;
    virtual Expected<TokenResponse> create_token_auth_code(const ClientRegistration& client,
                                                           const Secret& code,
                                                           const std::string& redirect_uri,
                                                           const Secret& code_verifier) = 0;
    // scheme://host[:port] of the OIDC endpoint: where /authorize lives (no path prefix).
    virtual std::string authorize_origin() const = 0;
    // upstream − local, from the last response that carried a Date header.
    virtual std::optional<std::chrono::seconds> clock_skew() const = 0;
};

class HttpOidcClient final : public OidcApi {
  public:
    explicit HttpOidcClient(std::shared_ptr<HttpTransport> transport, BaseUrl base);

    Expected<ClientRegistration> register_client(const RegisterClientRequest& request) override;
    Expected<DeviceAuthorization> start_device_authorization(const ClientRegistration& client,
                                                             const std::string& start_url) override;
    Expected<TokenResponse> create_token_device(const ClientRegistration& client,
                                                const Secret& device_code) override;
    Expected<TokenResponse> create_token_refresh(const ClientRegistration& client,
                                                 const Secret& refresh_token) override;
    Expected<TokenResponse> create_token_auth_code(const ClientRegistration& client,
                                                   const Secret& code,
                                                   const std::string& redirect_uri,
                                                   const Secret& code_verifier) override;
    std::string authorize_origin() const override { return base_.origin(); }
    std::optional<std::chrono::seconds> clock_skew() const override;

  private:
    Expected<HttpResponse> post(const char* operation, const std::string& path, std::string body);
    Expected<TokenResponse> create_token(const char* grant, std::string body);

    std::shared_ptr<HttpTransport> transport_;
    BaseUrl base_;
    std::atomic<bool> has_skew_{false};
    std::atomic<long long> skew_seconds_{0};
};

}  // namespace ssocred::sso
