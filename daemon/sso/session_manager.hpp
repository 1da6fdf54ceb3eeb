// SessionManager: every SSO session's tokens, their renewal, logins and the portal calls.
//
// Thread-safety: all public methods may be called from any thread. They block on upstream
// I/O, so the daemon calls them from worker threads, never from the event loop. One mutex
// guards the session table; it is released around every network call. Refresh is
// single-flight per session: callers that need a renewal while one is in flight wait for it
// and share its result (one CreateToken for any number of concurrent callers).
//
// Persistence: tokens are loaded through TokenPersistence on reload_config() and saved after
// every change (login, refresh, login_required, logout -> erase). on_token_changed fires after
// each save, outside the lock (the store uses it to write the AWS CLI cache).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "ssocred/expected.hpp"
#include "ssocred/time.hpp"

#include "config/aws_config.hpp"
#include "config/endpoints.hpp"
#include "creds/credential_source.hpp"
#include "sso/login_flow.hpp"
#include "sso/login_task.hpp"
#include "sso/session_end.hpp"
#include "sso/sso_session.hpp"
#include "store/token_persistence.hpp"
#include "store/token_state.hpp"

namespace ssocred::sso {

// Declared by the store, which implements it (store/token_persistence.hpp).
using ssocred::TokenPersistence;

using SsoClientFactory = std::function<SsoClients(const SessionEndpoints&)>;
// Real HTTP clients (HttpOidcClient + HttpPortalClient over HttpClient).
SsoClientFactory http_client_factory(const Clock& clock);

struct SessionStatus {
    std::string name;
    std::string start_url;
    std::string region;
    bool legacy = false;
    std::string state;  // "logged_in" | "logged_out" | "login_required" | "login_in_progress"
    std::optional<SystemTime> access_token_expires_at;
    std::optional<SystemTime> next_refresh_at;
    bool refresh_token = false;
    std::optional<SystemTime> registration_expires_at;
    long long clock_skew_seconds = 0;
    std::optional<LastError> last_error;
    // The session's end (sso/session_end.hpp). Start and end are null while a login is
    // needed; the length and its source whenever one is known.
    std::optional<SystemTime> session_started_at;
    std::optional<SystemTime> session_ends_at;
    std::optional<std::chrono::seconds> session_length;
    std::optional<SessionLengthSource> session_length_source;
    // Not part of the control API: the lead of the "ends soon" notice (ssocred_notify_before).
    std::chrono::seconds notify_before = kDefaultNotifyBefore;
};

struct LoginOptions {
    std::string session;  // empty: the default session
    bool use_device_code = false;
    // start_login waits this long for the URL to show (RegisterClient + first calls), so the
    // 202 answer can carry it. 0 returns at once; poll with wait_login().
    std::chrono::milliseconds prompt_wait{std::chrono::seconds(20)};
};

struct LoginStart {
    LoginProgress progress;
    bool joined = false;  // an already running login for this session was returned
};

struct SessionManagerOptions {
    std::chrono::seconds accounts_ttl{300};
    std::chrono::seconds login_timeout{600};  // PKCE overall deadline
    double login_time_scale = 1.0;            // tests shrink device-flow poll intervals
};

class SessionManager final : public RoleCredentialFetcher {
  public:
    SessionManager(const Clock& clock, TokenPersistence& persistence, SsoClientFactory factory,
                   SessionManagerOptions options = {});
    ~SessionManager() override;  // cancels and joins running logins
    SessionManager(const SessionManager&) = delete;
    SessionManager& operator=(const SessionManager&) = delete;

    // Rebuilds the session table from the config: endpoints are resolved (env, [services],
    // endpoint_url, defaults), known sessions keep their in-memory state, new ones are
    // loaded from persistence. Sessions gone from the config are dropped from memory (their
    // persisted tokens stay). Returns the config warnings (bad sections) as strings.
    Expected<std::vector<std::string>> reload_config(
        const config::AwsConfig& config, std::string_view aws_profile = {},
        const config::EnvLookup& env = config::process_env);

    std::vector<std::string> session_names() const;
    // The session the daemon uses when a request names none (the active role's session).
    void set_default_session(std::string session);
    // `requested` empty -> the default session, else the only configured one, else Invalid.
    // NotFound for an unknown name.
    Expected<std::string> resolve_session(std::string_view requested) const;

    // RoleCredentialFetcher. role.session empty = default session.
    Expected<RoleCredentials> fetch(const RoleRef& role) override;
    // resolve_session, or `session` unchanged when it does not resolve.
    std::string canonical_session(std::string_view session) const override;

    // All accounts with their roles (every page), cached for accounts_ttl; refresh bypasses it.
    Expected<AccountList> list_accounts(const std::string& session, bool refresh);

    // Starts a login (or joins the running one for that session).
    Expected<LoginStart> start_login(const LoginOptions& options);
    Expected<LoginProgress> login(const std::string& id) const;
    // Long poll: returns when the login's version differs from seen_version, or after timeout.
    Expected<LoginProgress> wait_login(const std::string& id, std::uint64_t seen_version,
                                       std::chrono::milliseconds timeout) const;
    Expected<LoginProgress> cancel_login(const std::string& id);
    // The login itself, to wait on without a thread (LoginTask::on_change). Takes the
    // table's lock only briefly: callable on the event loop. A task the caller holds after
    // the manager forgot it has already returned from its thread.
    Expected<std::shared_ptr<LoginTask>> login_task(const std::string& id) const;

    // Portal Logout (errors ignored), then erase from memory and persistence. Idempotent.
    // `session` empty and !all -> the default session. Returns the sessions logged out.
    Expected<std::vector<std::string>> logout(const std::string& session, bool all);

    std::vector<SessionStatus> status() const;

    // Renews every session whose renewal time has come (blocking, one after another).
    // Returns when the next renewal is due (nullopt: nothing scheduled).
    std::optional<SystemTime> refresh_due_sessions();
    // Forces one refresh now (single-flight). LoginRequired when impossible.
    Status refresh_now(const std::string& session);

    // The store saw a newer token in the AWS CLI cache: the newer token (issued_at, then
    // expiry) wins. Returns whether it was taken. Does not call save/on_token_changed.
    Expected<bool> import_token(TokenState state);

    // Saves the session's live token again (not login_required, still usable), without
    // on_token_changed: the AWS CLI cache file was deleted while the session is logged in.
    // Returns whether there was a token to save.
    Expected<bool> rewrite_token(const std::string& session);

    // Called after each saved token change, outside the lock. Set it before other calls.
    void on_token_changed(std::function<void(const TokenState&)> callback);

  private:
    struct Lease {
        Secret access_token;
        std::uint64_t generation = 0;
    };
    using SessionPtr = std::shared_ptr<SsoSession>;

    SessionPtr find_locked(const std::string& id) const;
    Expected<std::string> resolve_locked(std::string_view requested) const;
    // A usable access token, renewing first when due. With `force`, renews unless the token
    // changed since `seen_generation` (someone else already renewed it).
    Expected<Lease> acquire(const std::string& session, bool force, std::uint64_t seen_generation);
    // Calls fn(token) -> Expected<T>; on Unauthorized refreshes once and retries once.
    template <class Fn>
    auto with_token(const std::string& session, const char* operation, Fn fn)
        -> decltype(fn(Secret{}));
    void install_login(const std::string& session, LoginOutcome outcome, LoginTask& task);
    // Saves the session's token as it is NOW in memory (not a copy taken earlier), under
    // persist_mu_: saves then happen in the order of the states they write, so a login and
    // a renewal finishing together never leave the older token on disk last, and a logout
    // that already reset the token is never undone by a late save.
    void persist_current(const std::string& session);
    void record_error(SsoSession& s, const Error& e);
    // Bookkeeping after s.token was replaced (login, import). Needs mu_.
    void token_replaced_locked(SsoSession& s);
    std::string state_of(const SsoSession& s, SystemTime now) const;

    const Clock& clock_;
    TokenPersistence& persistence_;
    SsoClientFactory factory_;
    SessionManagerOptions options_;

    mutable std::mutex mu_;
    std::condition_variable refreshed_;  // signalled when a refresh ends (with mu_)
    std::map<std::string, SessionPtr> sessions_;
    std::map<std::string, std::shared_ptr<LoginTask>> logins_;
    std::string default_session_;
    std::mt19937_64 rng_{std::random_device{}()};

    // Serialises persistence + callback. Lock order: persist_mu_, then mu_ (rewrite_token);
    // never persist_mu_ while holding mu_.
    std::mutex persist_mu_;
    std::function<void(const TokenState&)> on_token_changed_;
};

}  // namespace ssocred::sso
