#include "sso/session_manager.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "ssocred/crypto.hpp"
#include "ssocred/suggest.hpp"

#include "sso/device_login.hpp"
#include "sso/http_client.hpp"
#include "sso/pkce_login.hpp"

namespace ssocred::sso {
namespace {

Error login_required(const std::string& session, const std::string& why) {
    Error e = Error::make(ErrorCode::LoginRequired, "SSO session '" + session + "' " + why +
                                                        ": run `ssocred login --sso-session " +
                                                        session + "`");
    e.session = session;  // the control API names it, so the CLI can sign in to it
    return e;
}

}  // namespace

SsoClientFactory http_client_factory(const Clock& clock) {
    return [&clock](const SessionEndpoints& ep) {
        SsoClients c;
        c.oidc =
            std::make_shared<HttpOidcClient>(std::make_shared<HttpClient>(ep.oidc, clock), ep.oidc);
        c.portal = std::make_shared<HttpPortalClient>(
            std::make_shared<HttpClient>(ep.portal, clock), clock);
        return c;
    };
}

SessionManager::SessionManager(const Clock& clock, TokenPersistence& persistence,
                               SsoClientFactory factory, SessionManagerOptions options)
    : clock_(clock), persistence_(persistence), factory_(std::move(factory)), options_(options) {}

SessionManager::~SessionManager() {
    std::vector<std::shared_ptr<LoginTask>> tasks;
    {
        std::lock_guard lock(mu_);
        for (auto& [id, t] : logins_) tasks.push_back(t);
    }
    for (auto& t : tasks) t->cancel();
    for (auto& t : tasks) t->join();  // login threads call back into us: join before members die
}

void SessionManager::on_token_changed(std::function<void(const TokenState&)> callback) {
    std::lock_guard lock(persist_mu_);
    on_token_changed_ = std::move(callback);
}

void SessionManager::persist_current(const std::string& session) {
    std::lock_guard plock(persist_mu_);
    TokenState state;
    {
        std::lock_guard lock(mu_);
        SessionPtr s = find_locked(session);
        // Logged out (or dropped from the config) since: the logout erases, nothing to save.
        if (!s || !s->token) return;
        state = *s->token;
    }
    if (auto st = persistence_.save(state); !st) {
        spdlog::warn("could not save the token of SSO session {}: {}", state.session,
                     st.error().message);
    }
    if (on_token_changed_) on_token_changed_(state);
}

void SessionManager::record_error(SsoSession& s, const Error& e) {
    s.last_error = LastError{clock_.now(), e.message};
}

SessionManager::SessionPtr SessionManager::find_locked(const std::string& id) const {
    auto it = sessions_.find(id);
    return it == sessions_.end() ? nullptr : it->second;
}

Expected<std::vector<std::string>> SessionManager::reload_config(const config::AwsConfig& cfg,
                                                                 std::string_view aws_profile,
                                                                 const config::EnvLookup& env) {
    auto list = config::list_sso_sessions(cfg, aws_profile);
    std::vector<std::string> warnings = list.warnings;
    std::map<std::string, SessionPtr> next;
    for (auto& info : list.sessions) {
        const config::ProfileConfig* profile = nullptr;
        if (auto p = cfg.profiles.find(info.endpoint_profile); p != cfg.profiles.end())
            profile = &p->second;
        auto oidc =
            config::resolve_endpoint(config::SsoService::Oidc, info.region, cfg, profile, env);
        auto portal =
            config::resolve_endpoint(config::SsoService::Portal, info.region, cfg, profile, env);
        if (!oidc || !portal) {
            warnings.push_back("SSO session " + info.id + ": " +
                               (!oidc ? oidc.error() : portal.error()).message);
            continue;
        }
        auto oidc_url = parse_base_url(oidc->url);
        auto portal_url = parse_base_url(portal->url);
        if (!oidc_url || !portal_url) {
            warnings.push_back("SSO session " + info.id + ": " +
                               (!oidc_url ? oidc_url.error() : portal_url.error()).message);
            continue;
        }
        auto s = std::make_shared<SsoSession>();
        s->info = info;
        s->endpoints = SessionEndpoints{*oidc_url, *portal_url};
        s->clients = factory_(s->endpoints);
        next[info.id] = std::move(s);
    }

    std::lock_guard lock(mu_);
    for (auto& [id, s] : next) {
        if (auto old = find_locked(id)) {
            // Keep the runtime state; take the new settings and clients.
            if (old->info.start_url == s->info.start_url && old->info.region == s->info.region) {
                s->token = std::move(old->token);
                s->generation = old->generation;
                s->refresh_at = old->refresh_at;
                s->retry_at = old->retry_at;
                s->backoff = old->backoff;
                s->last_error = old->last_error;
                s->skew = old->skew;
                s->accounts = std::move(old->accounts);
            }
            s->login = old->login;
            // A refresh in flight finishes on the old object; its token is re-read below.
            continue;
        }
        auto loaded = persistence_.load(id);  // small local read; fine under the lock
        if (!loaded) {
            warnings.push_back("SSO session " + id +
                               ": could not load its token: " + loaded.error().message);
        } else if (*loaded && (*loaded)->start_url == s->info.start_url) {
            s->token = std::move(**loaded);
            s->token->session = id;
            s->generation = 1;
            std::uniform_real_distribution<double> d(0.0, 1.0);
            s->refresh_at =
                compute_refresh_at(s->token->issued_at, s->token->access_token_expires_at, d(rng_));
            // The reason is not persisted, only the flag: after a restart `ssocred status`
            // must still say why a login is needed.
            if (s->token->login_required)
                s->last_error =
                    LastError{clock_.now(), "the refresh token was refused; run `ssocred login`"};
        }
    }
    sessions_ = std::move(next);
    for (const auto& w : warnings) spdlog::warn("{}", w);
    return warnings;
}

std::vector<std::string> SessionManager::session_names() const {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const auto& [id, s] : sessions_) out.push_back(id);
    return out;
}

void SessionManager::set_default_session(std::string session) {
    std::lock_guard lock(mu_);
    default_session_ = std::move(session);
}

Expected<std::string> SessionManager::resolve_locked(std::string_view requested) const {
    if (!requested.empty()) {
        if (!sessions_.contains(std::string(requested))) {
            std::vector<std::string> names;
            for (const auto& [id, s] : sessions_) names.push_back(id);
            return Error::make(ErrorCode::NotFound,
                               "no SSO session named '" + std::string(requested) +
                                   "' in the AWS config file" + did_you_mean(requested, names));
        }
        return std::string(requested);
    }
    if (!default_session_.empty() && sessions_.contains(default_session_)) return default_session_;
    if (sessions_.size() == 1) return sessions_.begin()->first;
    if (sessions_.empty()) {
        return Error::make(
            ErrorCode::NotFound,
            "no SSO session is configured: add an [sso-session] to the AWS config file");
    }
    std::string names;
    for (const auto& [id, s] : sessions_) names += (names.empty() ? "" : ", ") + id;
    return Error::make(ErrorCode::Invalid,
                       "several SSO sessions are configured (" + names +
                           "): name one with --sso-session, or select a role with `ssocred use`");
}

Expected<std::string> SessionManager::resolve_session(std::string_view requested) const {
    std::lock_guard lock(mu_);
    return resolve_locked(requested);
}

Expected<SessionManager::Lease> SessionManager::acquire(const std::string& session, bool force,
                                                        std::uint64_t seen_generation) {
    std::unique_lock lock(mu_);
    for (;;) {
        SessionPtr s = find_locked(session);
        if (!s) return Error::make(ErrorCode::NotFound, "no SSO session named '" + session + "'");
        if (!s->token || !s->token->has_access_token())
            return login_required(session, "is not logged in");
        TokenState& t = *s->token;
        if (t.login_required)
            return login_required(session, "needs a new login (the refresh token was refused)");
        const SystemTime now = clock_.now();
        const bool usable = token_usable(t, now);
        const bool need =
            force ? s->generation == seen_generation : (!usable || now >= s->refresh_at);
        if (!need) {
            if (usable || force) return Lease{t.access_token, s->generation};
        }
        if (!token_refreshable(t, now)) {
            if (usable && !force) return Lease{t.access_token, s->generation};
            return login_required(session, t.refresh_token.empty()
                                               ? "has expired and cannot be renewed"
                                               : "has an expired client registration");
        }
        if (s->refreshing) {
            // Single flight: wait for the running renewal, then decide again with its result
            // (a forced caller whose token was replaced meanwhile takes the new one).
            if (!force && usable) return Lease{t.access_token, s->generation};  // no need to wait
            refreshed_.wait(lock, [&] { return !s->refreshing; });
            continue;
        }
        if (!force && s->retry_at && now < *s->retry_at) {
            if (usable) return Lease{t.access_token, s->generation};
            return Error::make(
                ErrorCode::UpstreamFault,
                s->last_error ? s->last_error->message : "the SSO token renewal is backing off");
        }

        // This caller renews; the others wait on refreshed_.
        s->refreshing = true;
        const ClientRegistration reg = *t.registration;
        const Secret refresh_token = t.refresh_token;
        const std::shared_ptr<OidcApi> oidc = s->clients.oidc;
        const std::uint64_t gen_before = s->generation;
        lock.unlock();
        spdlog::info("renewing the access token of SSO session {}", session);
        auto res = oidc->create_token_refresh(reg, refresh_token);
        const SystemTime received = clock_.now();
        lock.lock();
        s->refreshing = false;
        refreshed_.notify_all();
        if (SessionPtr now_s = find_locked(session); now_s != s) {
            s = now_s;  // reload_config replaced the session object meanwhile
            if (!s)
                return Error::make(ErrorCode::NotFound, "no SSO session named '" + session + "'");
        }
        s->skew = oidc->clock_skew();
        if (!s->token || s->generation != gen_before) continue;  // logout/login/import raced us
        TokenState& cur = *s->token;
        if (res) {
            cur.access_token = std::move(res->access_token);
            cur.access_token_expires_at = received + res->expires_in;
            cur.issued_at = received;
            if (!res->refresh_token.empty())
                cur.refresh_token = std::move(res->refresh_token);  // else keep old
            ++s->generation;
            std::uniform_real_distribution<double> d(0.0, 1.0);
            s->refresh_at = compute_refresh_at(received, cur.access_token_expires_at, d(rng_));
            s->retry_at.reset();
            s->backoff.reset();
            s->last_error.reset();
            s->accounts.reset();
            Lease lease{cur.access_token, s->generation};
            lock.unlock();
            persist_current(session);
            return lease;
        }
        const Error err = std::move(res).error();
        record_error(*s, err);
        if (err.code == ErrorCode::InvalidGrant || err.code == ErrorCode::InvalidClient) {
            spdlog::warn("SSO session {}: refresh refused ({}); a new login is needed", session,
                         err.message);
            cur.login_required = true;
            // The session has ended: its length is learned (the latest observation wins).
            if (auto length = learn_session_length(cur.session_started_at, received)) {
                cur.learned_session_length = length;
                spdlog::info("SSO session {}: the session lasted about {} min", session,
                             length->count() / 60);
            }
            ++s->generation;
            lock.unlock();
            persist_current(session);
            return login_required(session, "needs a new login (the refresh token was refused)");
        }
        const auto delay = s->backoff.next(rng_);
        s->retry_at = received + std::chrono::duration_cast<SystemTime::duration>(delay);
        spdlog::warn("SSO session {}: token renewal failed ({}); retrying in {} s", session,
                     err.message, std::chrono::duration_cast<std::chrono::seconds>(delay).count());
        if (token_usable(cur, received) && !force) return Lease{cur.access_token, s->generation};
        return err;
    }
}

template <class Fn>
auto SessionManager::with_token(const std::string& session, const char* operation, Fn fn)
    -> decltype(fn(Secret{})) {
    auto lease = acquire(session, false, 0);
    if (!lease) return std::move(lease).error();
    auto res = fn(lease->access_token);
    if (res || res.error().code != ErrorCode::Unauthorized) return res;
    // Tokens can be revoked early: one forced renewal and one retry, never a loop.
    spdlog::info("SSO session {}: {} answered 401; renewing the access token once", session,
                 operation);
    auto renewed = acquire(session, true, lease->generation);
    if (!renewed) return std::move(renewed).error();
    res = fn(renewed->access_token);
    if (res || res.error().code != ErrorCode::Unauthorized) return res;
    // The portal refuses even a token just renewed. Not marked login_required: the token
    // may have been revoked between its renewal and its use (a race with a revocation
    // elsewhere, or a test expiring every token), and a later renewal can recover; marking
    // and saving it made a session that still had a good refresh token ask for a login
    // after a restart (test_crash_loop).
    {
        std::lock_guard lock(mu_);
        if (auto s = find_locked(session)) record_error(*s, res.error());
    }
    return login_required(session, "was rejected by the SSO portal");
}

std::string SessionManager::canonical_session(std::string_view session) const {
    if (!session.empty()) return std::string(session);
    auto resolved = resolve_session(session);
    return resolved ? std::move(*resolved) : std::string();
}

Expected<RoleCredentials> SessionManager::fetch(const RoleRef& role) {
    auto sid = resolve_session(role.session);
    if (!sid) return std::move(sid).error();
    std::shared_ptr<PortalApi> portal;
    {
        std::lock_guard lock(mu_);
        SessionPtr s = find_locked(*sid);
        if (!s) return Error::make(ErrorCode::NotFound, "no SSO session named '" + *sid + "'");
        portal = s->clients.portal;
    }
    auto res = with_token(*sid, "GetRoleCredentials", [&](const Secret& token) {
        return portal->get_role_credentials(token, role.account_id, role.role_name);
    });
    if (!res) return std::move(res).error();
    res->role.session = *sid;
    return res;
}

Expected<AccountList> SessionManager::list_accounts(const std::string& session, bool refresh) {
    auto sid = resolve_session(session);
    if (!sid) return std::move(sid).error();
    std::shared_ptr<PortalApi> portal;
    {
        std::lock_guard lock(mu_);
        SessionPtr s = find_locked(*sid);
        if (!s) return Error::make(ErrorCode::NotFound, "no SSO session named '" + *sid + "'");
        if (!refresh && s->accounts &&
            clock_.now() - s->accounts->fetched_at < options_.accounts_ttl) {
            return *s->accounts;
        }
        portal = s->clients.portal;
    }
    auto res = with_token(*sid, "ListAccounts", [&](const Secret& token) -> Expected<AccountList> {
        auto accounts = portal->list_accounts(token);
        if (!accounts) return std::move(accounts).error();
        AccountList out;
        out.session = *sid;
        for (auto& a : *accounts) {
            auto roles = portal->list_account_roles(token, a.account_id);
            if (!roles) return std::move(roles).error();
            std::sort(roles->begin(), roles->end());
            out.accounts.push_back(
                AccountWithRoles{a.account_id, a.account_name, a.email, std::move(*roles)});
        }
        out.fetched_at = clock_.now();
        return out;
    });
    if (!res) return res;
    std::lock_guard lock(mu_);
    if (auto s = find_locked(*sid)) s->accounts = *res;
    return res;
}

void SessionManager::install_login(const std::string& session, LoginOutcome outcome,
                                   LoginTask& task) {
    std::unique_lock lock(mu_);
    if (task.cancelled()) return;
    SessionPtr s = find_locked(session);
    if (!s) return;
    TokenState t;
    if (s->token) t.learned_session_length = s->token->learned_session_length;
    t.session_started_at = outcome.obtained_at;  // a login starts a new session
    t.session = session;
    t.start_url = s->info.start_url;
    t.region = s->info.region;
    t.access_token = std::move(outcome.token.access_token);
    t.access_token_expires_at = outcome.obtained_at + outcome.token.expires_in;
    t.refresh_token = std::move(outcome.token.refresh_token);
    t.issued_at = outcome.obtained_at;
    t.registration = std::move(outcome.registration);
    s->token = std::move(t);
    token_replaced_locked(*s);
    s->last_error.reset();
    s->skew = s->clients.oidc->clock_skew();
    const SystemTime valid_until = s->token->access_token_expires_at;
    lock.unlock();
    persist_current(session);
    spdlog::info("SSO session {}: logged in; access token valid until {}", session,
                 format_utc(valid_until));
}

Expected<LoginStart> SessionManager::start_login(const LoginOptions& options) {
    std::shared_ptr<LoginTask> task;
    {
        std::lock_guard lock(mu_);
        auto sid = resolve_locked(options.session);
        if (!sid) return std::move(sid).error();
        SessionPtr s = find_locked(*sid);
        if (s->login && !s->login->finished()) return LoginStart{s->login->snapshot(), true};
        // Forget logins that are no longer any session's latest and whose threads returned.
        for (auto it = logins_.begin(); it != logins_.end();) {
            const auto& t = it->second;
            bool current = false;
            for (const auto& [id, other] : sessions_) current = current || other->login == t;
            if (!current && t->exited()) {  // joining a returned thread cannot block
                t->join();
                it = logins_.erase(it);
            } else {
                ++it;
            }
        }
        const LoginFlow flow = s->info.legacy || options.use_device_code
                                   ? LoginFlow::DeviceCode
                                   : LoginFlow::AuthorizationCode;
        task = std::make_shared<LoginTask>(crypto::random_uuid4(), *sid, flow);
        s->login = task;
        logins_[task->snapshot().id] = task;

        std::optional<ClientRegistration> cached;
        if (s->token && s->token->registration) cached = s->token->registration;
        auto oidc = s->clients.oidc;
        auto info = s->info;
        const std::string session = *sid;
        const auto timeout = options_.login_timeout;
        const double scale = options_.login_time_scale;
        task->start([this, oidc, info, cached, session, flow, timeout, scale](LoginTask& t) {
            LoginContext ctx{
                *oidc,  clock_, t, session, info.start_url, info.legacy, info.registration_scopes,
                cached, scale};
            auto outcome = flow == LoginFlow::DeviceCode
                               ? run_device_login(ctx)
                               : run_pkce_login(ctx, PkceOptions{timeout});
            if (!outcome) {
                const Error& e = outcome.error();
                spdlog::info("login for SSO session {} ended: {}", session, e.message);
                // A login the person cancelled is no error of the session (its old token,
                // if any, is as good as before).
                if (e.code != ErrorCode::Cancelled) {
                    std::lock_guard elock(mu_);
                    if (auto s2 = find_locked(session)) record_error(*s2, e);
                }
                t.finish(
                    e.code == ErrorCode::Cancelled ? LoginState::Cancelled : LoginState::Failed,
                    e.message);
                return;
            }
            const SystemTime expires = outcome->obtained_at + outcome->token.expires_in;
            install_login(session, std::move(*outcome), t);
            t.finish(LoginState::Succeeded, "", expires);
        });
    }
    LoginProgress p = options.prompt_wait.count() > 0 ? task->wait_for_prompt(options.prompt_wait)
                                                      : task->snapshot();
    return LoginStart{std::move(p), false};
}

Expected<LoginProgress> SessionManager::login(const std::string& id) const {
    std::shared_ptr<LoginTask> t;
    {
        std::lock_guard lock(mu_);
        auto it = logins_.find(id);
        if (it == logins_.end()) return Error::make(ErrorCode::NotFound, "no login with id " + id);
        t = it->second;
    }
    return t->snapshot();
}

Expected<std::shared_ptr<LoginTask>> SessionManager::login_task(const std::string& id) const {
    std::lock_guard lock(mu_);
    auto it = logins_.find(id);
    if (it == logins_.end()) return Error::make(ErrorCode::NotFound, "no login with id " + id);
    return it->second;
}

Expected<LoginProgress> SessionManager::wait_login(const std::string& id,
                                                   std::uint64_t seen_version,
                                                   std::chrono::milliseconds timeout) const {
    std::shared_ptr<LoginTask> t;
    {
        std::lock_guard lock(mu_);
        auto it = logins_.find(id);
        if (it == logins_.end()) return Error::make(ErrorCode::NotFound, "no login with id " + id);
        t = it->second;
    }
    return t->wait_for_change(seen_version, timeout);
}

Expected<LoginProgress> SessionManager::cancel_login(const std::string& id) {
    std::shared_ptr<LoginTask> t;
    {
        std::lock_guard lock(mu_);
        auto it = logins_.find(id);
        if (it == logins_.end()) return Error::make(ErrorCode::NotFound, "no login with id " + id);
        t = it->second;
    }
    t->cancel();
    return t->snapshot();
}

Expected<std::vector<std::string>> SessionManager::logout(const std::string& session, bool all) {
    std::vector<std::string> targets;
    {
        std::lock_guard lock(mu_);
        if (all) {
            for (const auto& [id, s] : sessions_) targets.push_back(id);
        } else {
            auto sid = resolve_locked(session);
            if (!sid) return std::move(sid).error();
            targets.push_back(*sid);
        }
    }
    for (const auto& id : targets) {
        std::optional<Secret> token;
        std::shared_ptr<PortalApi> portal;
        std::shared_ptr<LoginTask> login;
        {
            std::lock_guard lock(mu_);
            SessionPtr s = find_locked(id);
            if (!s) continue;
            if (s->token && s->token->has_access_token() && token_usable(*s->token, clock_.now())) {
                token = s->token->access_token;
            }
            portal = s->clients.portal;
            login = s->login;
            s->token.reset();
            ++s->generation;
            s->accounts.reset();
            s->retry_at.reset();
            s->backoff.reset();
            s->last_error.reset();
        }
        if (login) login->cancel();
        if (token) {
            if (auto st = portal->logout(*token); !st) {
                spdlog::info("SSO session {}: portal Logout failed ({}); tokens are wiped anyway",
                             id, st.error().message);
            }
        }
        std::lock_guard plock(persist_mu_);
        if (auto st = persistence_.erase(id); !st) {
            return Error::make(ErrorCode::Io, "could not erase the tokens of SSO session " + id +
                                                  ": " + st.error().message);
        }
    }
    return targets;
}

std::string SessionManager::state_of(const SsoSession& s, SystemTime now) const {
    if (s.login && !s.login->finished()) return "login_in_progress";
    if (!s.token || !s.token->has_access_token()) return "logged_out";
    if (s.token->login_required) return "login_required";
    if (!token_usable(*s.token, now) && !token_refreshable(*s.token, now)) return "login_required";
    return "logged_in";
}

std::vector<SessionStatus> SessionManager::status() const {
    std::lock_guard lock(mu_);
    const SystemTime now = clock_.now();
    std::vector<SessionStatus> out;
    for (const auto& [id, s] : sessions_) {
        SessionStatus st;
        st.name = id;
        st.start_url = s->info.start_url;
        st.region = s->info.region;
        st.legacy = s->info.legacy;
        st.state = state_of(*s, now);
        const TokenState* t = s->token ? &*s->token : nullptr;
        const SessionEnd end =
            predict_session_end(t ? t->session_started_at : std::nullopt, s->info.session_duration,
                                t ? t->learned_session_length : std::nullopt);
        st.session_length = end.length;
        st.session_length_source = end.source;
        st.notify_before = s->info.notify_before.value_or(kDefaultNotifyBefore);
        if (t && t->has_access_token()) {
            st.refresh_token = !t->refresh_token.empty();
            if (t->registration) st.registration_expires_at = t->registration->expires_at;
        }
        // A session that needs a login shows no times that will not come true: the old
        // token's expiry, a renewal that will be refused, an end that has passed.
        if (t && t->has_access_token() && !t->login_required &&
            (token_usable(*t, now) || token_refreshable(*t, now))) {
            st.access_token_expires_at = t->access_token_expires_at;
            st.session_started_at = t->session_started_at;
            st.session_ends_at = end.ends_at;
            if (token_refreshable(*t, now)) {
                st.next_refresh_at =
                    s->retry_at ? std::max(*s->retry_at, s->refresh_at) : s->refresh_at;
                if (s->retry_at && *s->retry_at > now) st.next_refresh_at = *s->retry_at;
            }
        }
        // The portal is called most often (every role renewal), so its measurement is the
        // freshest; the OIDC one (renewals, logins) stands in until the portal was called.
        auto skew = s->clients.portal ? s->clients.portal->clock_skew() : std::nullopt;
        if (!skew) skew = s->skew;
        st.clock_skew_seconds = skew ? skew->count() : 0;
        st.last_error = s->last_error;
        out.push_back(std::move(st));
    }
    return out;
}

std::optional<SystemTime> SessionManager::refresh_due_sessions() {
    std::vector<std::string> due;
    {
        std::lock_guard lock(mu_);
        const SystemTime now = clock_.now();
        for (const auto& [id, s] : sessions_) {
            if (!s->token || !token_refreshable(*s->token, now) || s->refreshing) continue;
            if (s->retry_at && now < *s->retry_at) continue;
            if (now >= s->refresh_at || !token_usable(*s->token, now)) due.push_back(id);
        }
    }
    for (const auto& id : due) {
        if (auto r = acquire(id, false, 0); !r) {
            spdlog::debug("scheduled renewal of {}: {}", id, r.error().message);
        }
    }
    std::lock_guard lock(mu_);
    const SystemTime now = clock_.now();
    std::optional<SystemTime> next;
    for (const auto& [id, s] : sessions_) {
        if (!s->token || !token_refreshable(*s->token, now)) continue;
        SystemTime at = s->refresh_at;
        if (s->retry_at && *s->retry_at > at) at = *s->retry_at;
        if (!next || at < *next) next = at;
    }
    return next;
}

Status SessionManager::refresh_now(const std::string& session) {
    std::uint64_t gen = 0;
    std::string id;
    {
        std::lock_guard lock(mu_);
        auto sid = resolve_locked(session);
        if (!sid) return std::move(sid).error();
        SessionPtr s = find_locked(*sid);
        if (!s) return Error::make(ErrorCode::NotFound, "no SSO session named '" + *sid + "'");
        gen = s->generation;
        id = *sid;
    }
    auto lease = acquire(id, true, gen);
    if (!lease) return std::move(lease).error();
    return ok();
}

Expected<bool> SessionManager::import_token(TokenState state) {
    std::lock_guard lock(mu_);
    SessionPtr s = find_locked(state.session);
    if (!s) return Error::make(ErrorCode::NotFound, "no SSO session named '" + state.session + "'");
    if (!state.has_access_token()) return false;
    if (s->token && s->token->has_access_token()) {
        const TokenState& cur = *s->token;
        const bool newer = state.issued_at != cur.issued_at
                               ? state.issued_at > cur.issued_at
                               : state.access_token_expires_at > cur.access_token_expires_at;
        if (!newer) return false;
        // Another tool's refresh may omit what it did not change.
        if (state.refresh_token.empty()) state.refresh_token = cur.refresh_token;
        if (!state.registration) state.registration = cur.registration;
    }
    if (state.start_url.empty()) state.start_url = s->info.start_url;
    if (state.region.empty()) state.region = s->info.region;
    if (s->token && !state.learned_session_length)
        state.learned_session_length = s->token->learned_session_length;
    if (!s->token || !s->token->has_access_token() || s->token->login_required) {
        // A login by another tool (`aws sso login`) started a new session.
        state.session_started_at = state.issued_at;
    } else if (!state.session_started_at) {
        state.session_started_at = s->token->session_started_at;  // a refresh elsewhere
    }
    s->token = std::move(state);
    token_replaced_locked(*s);
    return true;
}

Expected<bool> SessionManager::rewrite_token(const std::string& session) {
    // The copy is taken under persist_mu_: a renewal saving a newer token meanwhile is then
    // either already in the copy or saved after it, never overwritten by an older one.
    std::lock_guard plock(persist_mu_);
    TokenState copy;
    {
        std::lock_guard lock(mu_);
        SessionPtr s = find_locked(session);
        if (!s) return Error::make(ErrorCode::NotFound, "no SSO session named '" + session + "'");
        if (!s->token || !token_usable(*s->token, clock_.now())) return false;
        copy = *s->token;
    }
    if (auto st = persistence_.save(copy); !st) return std::move(st).error();
    return true;
}

void SessionManager::token_replaced_locked(SsoSession& s) {
    // A new access token: consumers holding the old generation re-acquire, the renewal is
    // planned from the new lifetime, failures of the old token no longer count, and the
    // account listing is fetched again with the new token.
    ++s.generation;
    std::uniform_real_distribution<double> d(0.0, 1.0);
    s.refresh_at =
        compute_refresh_at(s.token->issued_at, s.token->access_token_expires_at, d(rng_));
    s.retry_at.reset();
    s.backoff.reset();
    s.last_error.reset();
    s.accounts.reset();
}

}  // namespace ssocred::sso
