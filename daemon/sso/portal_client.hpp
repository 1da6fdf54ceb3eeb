// SSO portal API client (PROTOCOLS.md §4): GetRoleCredentials, ListAccounts and
// ListAccountRoles (every page), Logout. The access token travels in the
// `x-amz-sso_bearer_token` header only.
//
// roleCredentials.expiration (absolute, upstream epoch ms) is converted to local time by
// subtracting the skew measured on the same response.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ssocred/credentials.hpp"
#include "ssocred/expected.hpp"
#include "ssocred/secret.hpp"

#include "sso/http_client.hpp"

namespace ssocred::sso {

struct PortalAccount {
    std::string account_id;
    std::string account_name;
    std::string email;
};

class PortalApi {
  public:
    virtual ~PortalApi() = default;
    // The result's `role` is {account_id, role_name, ""}: the caller fills in the session.
    virtual Expected<RoleCredentials> get_role_credentials(const Secret& access_token,
                                                           const std::string& account_id,
                                                           const std::string& role_name) = 0;
    virtual Expected<std::vector<PortalAccount>> list_accounts(const Secret& access_token) = 0;
    virtual Expected<std::vector<std::string>> list_account_roles(
        const Secret& access_token, const std::string& account_id) = 0;
    virtual Status logout(const Secret& access_token) = 0;
    virtual std::optional<std::chrono::seconds> clock_skew() const = 0;
};

class HttpPortalClient final : public PortalApi {
  public:
    HttpPortalClient(std::shared_ptr<HttpTransport> transport, const Clock& clock);

    Expected<RoleCredentials> get_role_credentials(const Secret& access_token,
                                                   const std::string& account_id,
                                                   const std::string& role_name) override;
    Expected<std::vector<PortalAccount>> list_accounts(const Secret& access_token) override;
    Expected<std::vector<std::string>> list_account_roles(const Secret& access_token,
                                                          const std::string& account_id) override;
    Status logout(const Secret& access_token) override;
    std::optional<std::chrono::seconds> clock_skew() const override;

    // Pages beyond this are refused (a looping nextToken must not spin forever).
    static constexpr int kMaxPages = 1000;

  private:
    Expected<HttpResponse> call(const char* operation, const char* method, std::string target,
                                const Secret& access_token);

    std::shared_ptr<HttpTransport> transport_;
    const Clock& clock_;
    std::atomic<bool> has_skew_{false};
    std::atomic<long long> skew_seconds_{0};
};

}  // namespace ssocred::sso
