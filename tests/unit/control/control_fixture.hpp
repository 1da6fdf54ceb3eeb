// The control API with its real parts - SessionManager, CredentialEngine, EndpointTokens,
// ConfigProfiles, ClientBoundTokens - and fakes only at the upstream boundary (the OIDC and
// portal clients) and for token persistence (in memory). Requests go straight to
// ControlApi::handle on the test's thread, which runs the loop until they are answered;
// blocking work runs on a real pool, as in the daemon.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "config_profiles.hpp"
#include "control/control_api.hpp"
#include "creds/credential_engine.hpp"
#include "serve/endpoint_tokens.hpp"
#include "serve/metrics.hpp"
#include "sso/session_manager.hpp"
#include "support/memory_persistence.hpp"
#include "support/temp_dir.hpp"

namespace ssocred::control_test {

// Identity Center's OIDC service: registrations and device logins, which stay pending
// while `device_pending` is set.
class FakeOidc final : public sso::OidcApi {
  public:
    Expected<ClientRegistration> register_client(const sso::RegisterClientRequest& r) override;
    Expected<sso::DeviceAuthorization> start_device_authorization(const ClientRegistration&,
                                                                  const std::string&) override;
    Expected<sso::TokenResponse> create_token_device(const ClientRegistration&,
                                                     const Secret&) override;
    Expected<sso::TokenResponse> create_token_refresh(const ClientRegistration&,
                                                      const Secret&) override;
    Expected<sso::TokenResponse> create_token_auth_code(const ClientRegistration&, const Secret&,
                                                        const std::string&, const Secret&) override;
    std::string authorize_origin() const override { return "https://oidc.example"; }
    std::optional<std::chrono::seconds> clock_skew() const override { return std::nullopt; }

    std::atomic<bool> device_pending{true};
};

// The portal: account 111111111111 has ReadOnly and Admin, 222222222222 Admin.
class FakePortal final : public sso::PortalApi {
  public:
    explicit FakePortal(const Clock& clock) : clock_(clock) {}
    Expected<RoleCredentials> get_role_credentials(const Secret&, const std::string& account,
                                                   const std::string& role) override;
    Expected<std::vector<sso::PortalAccount>> list_accounts(const Secret&) override;
    Expected<std::vector<std::string>> list_account_roles(const Secret&,
                                                          const std::string& account) override;
    Status logout(const Secret&) override { return ok(); }
    std::optional<std::chrono::seconds> clock_skew() const override { return std::nullopt; }

  private:
    const Clock& clock_;
};

using test::MemoryPersistence;

// What came back for one request.
struct Answer {
    unsigned status = 0;
    nlohmann::json body;  // null when the body is not JSON
    std::string text;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string header(const std::string& name) const;
};

// A request in flight: owns the text its serve::Request views, and takes the answer from
// whichever thread gives it.
class Call {
  public:
    bool answered() const;
    Answer answer() const;  // only once answered()

  private:
    friend class ControlFixture;
    std::string method, target, path, query, body;
    mutable std::mutex mu;
    std::optional<Answer> result;
};

class ControlFixture : public ::testing::Test {
  protected:
    // Two SSO sessions: `corp` (logged in) and `lab` (logged out).
    void SetUp() override;
    void TearDown() override;

    // Hands a request to the API; run the loop to have it answered.
    std::shared_ptr<Call> send(const std::string& method, const std::string& target,
                               const std::string& body = "",
                               std::optional<long long> peer_pid = std::nullopt);
    // Sends and runs the loop until the answer is in.
    Answer call(const std::string& method, const std::string& target, const std::string& body = "",
                std::optional<long long> peer_pid = std::nullopt);
    // Runs the loop until `done` (a guard of 20 s fails the test instead of hanging it).
    void run_until(const std::function<bool()>& done);

    test::TempDir dir;
    ManualClock clock{
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now())};
    boost::asio::io_context io;
    boost::asio::thread_pool pool{2};  // the daemon's `control` pool, and the engine's worker
    ConfigProfiles profiles;
    MemoryPersistence store;
    std::shared_ptr<FakeOidc> oidc = std::make_shared<FakeOidc>();
    std::shared_ptr<FakePortal> portal = std::make_shared<FakePortal>(clock);
    std::unique_ptr<sso::SessionManager> sessions;
    std::unique_ptr<serve::EndpointTokens> tokens;
    std::unique_ptr<CredentialEngine> engine;
    serve::Metrics metrics;
    std::unique_ptr<ControlApi> api;
};

}  // namespace ssocred::control_test
