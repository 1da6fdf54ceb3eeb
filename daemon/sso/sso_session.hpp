// One SSO session's lifecycle state and the renewal policy for its access token.
//
// Renewal policy. Every stored time is on the local clock: access-token expiry is the local
// receipt time + expiresIn (a duration, so clock skew cancels out), and absolute upstream
// timestamps (registration expiry, role-credential expiry) are converted by the clients with
// the skew measured from the same response's Date header. The access token is renewed with
// the refresh-token grant when
//     window = min(max(15 min, lifetime / 3), lifetime / 2)
// remains, minus a random jitter of up to min(5 min, window / 5), so renewal happens well
// before every SDK's own window (§8.1: botocore 15 min, JS/Rust/Java 5 min) and daemons that
// logged in together do not renew together. Short tokens renew at half-life at the latest.
// Transient failures retry with capped exponential backoff (ssocred/backoff.hpp); InvalidGrant or
// InvalidClient mark the session login_required and stop all attempts until a new login.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ssocred/backoff.hpp"

#include "config/aws_config.hpp"
#include "sso/login_task.hpp"
#include "sso/oidc_client.hpp"
#include "sso/portal_client.hpp"
#include "sso/url.hpp"
#include "store/token_state.hpp"

namespace ssocred::sso {

// A token is used for API calls only with at least this much life left.
inline constexpr std::chrono::seconds kTokenSafetyMargin{60};

// When to renew a token obtained at `issued` that expires at `expires`; `jitter01` in [0,1).
SystemTime compute_refresh_at(SystemTime issued, SystemTime expires, double jitter01);
// The upper bound of the jitter for a lifetime (for tests and docs).
std::chrono::seconds refresh_window(std::chrono::seconds lifetime);

bool token_usable(const TokenState& t, SystemTime now);
// Refresh is possible: a refresh token and an unexpired registration, and not login_required.
bool token_refreshable(const TokenState& t, SystemTime now);

struct SessionEndpoints {
    BaseUrl oidc;
    BaseUrl portal;
};

struct SsoClients {
    std::shared_ptr<OidcApi> oidc;
    std::shared_ptr<PortalApi> portal;
};

struct AccountWithRoles {
    std::string account_id;
    std::string account_name;
    std::string email;
    std::vector<std::string> roles;
};

struct AccountList {
    std::string session;
    SystemTime fetched_at{};
    std::vector<AccountWithRoles> accounts;
};

struct LastError {
    SystemTime time{};
    std::string message;
};

// The mutable state of one session. Guarded by SessionManager's mutex.
struct SsoSession {
    config::SsoSessionInfo info;
    SessionEndpoints endpoints;
    SsoClients clients;

    std::optional<TokenState> token;
    std::uint64_t generation = 0;        // bumped on every token change (single-flight bookkeeping)
    SystemTime refresh_at{};             // when the access token should be renewed
    std::optional<SystemTime> retry_at;  // backoff after a transient refresh failure
    // 10 s doubling up to 10 min: a renewal may wait, the token is usually still valid.
    Backoff backoff{std::chrono::seconds(10), std::chrono::minutes(10)};
    bool refreshing = false;  // a CreateToken(refresh) is in flight
    std::optional<LastError> last_error;
    std::optional<std::chrono::seconds> skew;
    std::optional<AccountList> accounts;
    std::shared_ptr<LoginTask> login;  // the latest login, running or finished
};

}  // namespace ssocred::sso
