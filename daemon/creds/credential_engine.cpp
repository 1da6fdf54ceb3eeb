#include "creds/credential_engine.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "creds/served_credentials.hpp"

namespace ssocred {

namespace {

std::string seconds_text(std::chrono::milliseconds d) {
    const auto ms = d.count();
    return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

}  // namespace

// One cached role. Lives in entries_ (on the loop only).
struct CredentialEngine::Entry {
    Entry(RoleRef r, Backoff b) : role(std::move(r)), backoff(b) {}

    RoleRef role;
    CredentialsPtr creds;        // never expired: dropped as soon as it is (drop_expired)
    SystemTime renew_at{};       // planned renewal of `creds` (jittered, ahead of the floor)
    std::uint64_t fetch_id = 0;  // non-zero while a fetch is in flight (single flight)
    std::vector<CredentialsCallback> waiters;

    Backoff backoff;
    bool failing = false;                        // the last attempt failed
    bool retry_in_background = false;            // the failure was transient: keep retrying
    std::optional<SystemTime> retry_not_before;  // the backoff gate for every upstream call
    std::optional<Error> last_error;
    std::optional<SystemTime> last_error_at;

    std::uint64_t requests = 0;
    std::optional<SystemTime> last_requested;
};

CredentialEngine::CredentialEngine(boost::asio::any_io_executor loop,
                                   boost::asio::any_io_executor worker,
                                   RoleCredentialFetcher& fetcher, const Clock& clock,
                                   EngineOptions options, const ProfileResolver& resolver,
                                   std::filesystem::path state_dir)
    : CredentialEngine(loop, std::move(worker), fetcher, clock, std::move(options), resolver,
                       std::move(state_dir), std::make_unique<AsioScheduler>(loop, clock)) {}

CredentialEngine::CredentialEngine(boost::asio::any_io_executor loop,
                                   boost::asio::any_io_executor worker,
                                   RoleCredentialFetcher& fetcher, const Clock& clock,
                                   EngineOptions options, const ProfileResolver& resolver,
                                   std::filesystem::path state_dir,
                                   std::unique_ptr<Scheduler> scheduler)
    : loop_(std::move(loop)),
      worker_(std::move(worker)),
      fetcher_(fetcher),
      clock_(clock),
      options_(std::move(options)),
      resolver_(resolver),
      active_store_(std::move(state_dir)),
      scheduler_(std::move(scheduler)),
      rng_(options_.seed ? *options_.seed : std::random_device{}()),
      self_(std::make_shared<CredentialEngine*>(this)) {
    if (auto loaded = active_store_.load(); !loaded) {
        spdlog::warn("ignoring the saved active role: {}", loaded.error().message);
    } else if (*loaded) {
        active_ = std::move(**loaded);
        spdlog::info("active role {} (session '{}')", active_->role.to_string(),
                     active_->role.session);
        entry_for(active_->role);
    }
    reschedule();  // an active role without credentials is due at once
}

CredentialEngine::~CredentialEngine() {
    self_.reset();
    scheduler_->disarm();
}

CredentialEngine::Entry& CredentialEngine::entry_for(const RoleRef& role) {
    auto it = entries_.find(role);
    if (it == entries_.end())
        it = entries_
                 .emplace(role, std::make_unique<Entry>(
                                    role, Backoff(options_.backoff_initial, options_.backoff_max)))
                 .first;
    return *it->second;
}

void CredentialEngine::drop_expired(Entry& entry, SystemTime now) {
    if (entry.creds && entry.creds->credentials.expiration <= now) {
        spdlog::info("credentials for {} expired at {}; dropped", entry.role.to_string(),
                     format_utc(entry.creds->credentials.expiration));
        entry.creds.reset();  // the last holder wipes the bodies
    }
}

std::optional<RoleRef> CredentialEngine::with_default_session(const RoleRef& role) const {
    if (!role.session.empty()) return std::nullopt;  // the common path: no copy
    RoleRef named = role;
    named.session = fetcher_.canonical_session(role.session);
    return named;
}

void CredentialEngine::get(const RoleRef& role, CredentialsCallback done) {
    // One cache entry per role whichever path named it (issue 16 item 8).
    if (auto named = with_default_session(role); named && !named->session.empty())
        return get(*named, std::move(done));
    const SystemTime now = clock_.now();
    Entry& e = entry_for(role);
    ++e.requests;
    e.last_requested = now;
    drop_expired(e, now);

    if (e.creds && options_.policy.servable(e.creds->credentials.issued_at,
                                            e.creds->credentials.expiration, now)) {
        ++counters_.served_cached;
        done(e.creds);
        return;
    }
    if (e.fetch_id != 0) {  // single flight: join the fetch in progress
        e.waiters.push_back(std::move(done));
        return;
    }
    if (e.retry_not_before && now < *e.retry_not_before) {
        // Backing off: no upstream call; last-good while valid, else the last error.
        if (e.creds) {
            ++counters_.served_last_good;
            done(e.creds);
        } else {
            ++counters_.served_errors;
            done(user_error(e));
        }
        return;
    }
    e.waiters.push_back(std::move(done));
    start_fetch(e);
    reschedule();
}

void CredentialEngine::prefetch(const RoleRef& role) {
    if (auto named = with_default_session(role); named && !named->session.empty())
        return prefetch(*named);
    const SystemTime now = clock_.now();
    Entry& e = entry_for(role);
    e.last_requested = now;  // keeps it renewed for the idle window
    drop_expired(e, now);
    const bool fresh = e.creds && options_.policy.servable(e.creds->credentials.issued_at,
                                                           e.creds->credentials.expiration, now);
    if (!fresh && e.fetch_id == 0 && !(e.retry_not_before && now < *e.retry_not_before))
        start_fetch(e);
    reschedule();
}

void CredentialEngine::start_fetch(Entry& entry) {
    const std::uint64_t id = next_fetch_id_++;
    entry.fetch_id = id;
    ++counters_.upstream_calls;
    spdlog::debug("fetching credentials for {}", entry.role.to_string());
    boost::asio::post(
        worker_, [fetcher = &fetcher_, loop = loop_, self = std::weak_ptr<CredentialEngine*>(self_),
                  role = entry.role, id]() mutable {
            auto result = fetcher->fetch(role);  // blocking, on a worker thread
            boost::asio::post(loop, [self = std::move(self), role = std::move(role), id,
                                     result = std::move(result)]() mutable {
                if (auto engine = self.lock()) (*engine)->on_fetched(role, id, std::move(result));
            });
        });
}

void CredentialEngine::on_fetched(const RoleRef& role, std::uint64_t fetch_id,
                                  Expected<RoleCredentials> result) {
    auto it = entries_.find(role);
    if (it == entries_.end() || it->second->fetch_id != fetch_id) {
        // Invalidated (logout) while in flight: the result is not ours to serve.
        spdlog::debug("discarding a late result for {}", role.to_string());
        return;
    }
    Entry& e = *it->second;
    e.fetch_id = 0;
    const SystemTime now = clock_.now();

    std::optional<Error> failure;
    if (result) {
        RoleCredentials c = std::move(*result);
        // Lifetime is measured from receipt unless the fetcher knows better.
        if (c.issued_at == SystemTime{} || c.issued_at > now) c.issued_at = now;
        if (c.expiration <= now) {
            failure = Error::make(ErrorCode::BadResponse,
                                  "Identity Center returned already-expired credentials for " +
                                      role.to_string() + " (expiration " +
                                      format_utc(c.expiration) + "); check the system clock");
        } else {
            e.renew_at = options_.policy.renew_at(
                c.issued_at, c.expiration, std::uniform_real_distribution<double>(0.0, 1.0)(rng_));
            spdlog::info("credentials for {} renewed; expire at {}, next renewal at {}",
                         role.to_string(), format_utc(c.expiration), format_utc(e.renew_at));
            e.creds = make_served_credentials(std::move(c));
            e.backoff.reset();
            e.failing = false;
            e.retry_in_background = false;
            e.retry_not_before.reset();
            // `ssocred status` shows the role's current health (as sessions do): a renewal
            // that succeeded clears the error of the one before.
            e.last_error.reset();
            e.last_error_at.reset();
            ++counters_.renewals_ok;
        }
    } else {
        failure = std::move(result).error();
    }

    Expected<CredentialsPtr> outcome = CredentialsPtr{};
    if (failure) {
        ++counters_.renewals_failed;
        const auto delay = e.backoff.next(rng_);
        e.failing = true;
        e.retry_in_background = is_transient(*failure);
        e.retry_not_before = now + delay;
        e.last_error_at = now;
        e.last_error = std::move(*failure);
        drop_expired(e, now);
        spdlog::warn(
            "renewing credentials for {} failed ({}): {}; {} valid credentials; next attempt in {}",
            role.to_string(), to_string(e.last_error->code), e.last_error->message,
            e.creds ? "keeping the" : "no", seconds_text(delay));
        if (e.creds) {
            counters_.served_last_good += e.waiters.size();
            outcome = e.creds;
        } else {
            counters_.served_errors += e.waiters.size();
            outcome = user_error(e);
        }
    } else {
        outcome = e.creds;
    }

    auto waiters = std::move(e.waiters);
    e.waiters.clear();
    reschedule();
    // Last: a callback may re-enter the engine (and even erase `e`).
    for (auto& w : waiters) w(outcome);
}

Error CredentialEngine::user_error(const Entry& entry) const {
    const Error fallback =
        Error::make(ErrorCode::Internal, "no credentials for " + entry.role.to_string());
    const Error& err = entry.last_error ? *entry.last_error : fallback;
    Error out = err;
    if (err.code == ErrorCode::LoginRequired || err.code == ErrorCode::InvalidGrant) {
        out.code = ErrorCode::LoginRequired;
        if (out.message.find("ssocred login") == std::string::npos)
            out.message += (out.message.empty() ? "" : "; ") + std::string("run `ssocred login`");
    } else if (is_transient(err)) {
        // A chained role's failure may be STS's as well as Identity Center's.
        const bool chained = resolver_.root_session(entry.role.session) != entry.role.session;
        const bool unreachable = err.code == ErrorCode::Network || err.code == ErrorCode::Timeout;
        const bool throttled = err.code == ErrorCode::Throttled || err.code == ErrorCode::SlowDown;
        out.message = std::string(chained ? "AWS" : "Identity Center") +
                      (unreachable ? " could not be reached ("
                       : throttled ? " is limiting the request rate ("
                                   : " answered with an error (") +
                      err.message + "): ";
        if (unreachable)
            out.message += std::string("check the network (and HTTPS_PROXY) or ") +
                           (chained ? "AWS_ENDPOINT_URL_STS" : "AWS_ENDPOINT_URL_SSO") + "; ";
        out.message +=
            "ssocredd keeps retrying. No valid credentials for " + entry.role.to_string() + " yet";
    } else if (err.code == ErrorCode::AccessDenied &&
               out.message.find("administrator") == std::string::npos) {
        out.message += ": ask your administrator for access to " + entry.role.to_string() +
                       " in IAM Identity Center";
    }
    return out;
}

bool CredentialEngine::wanted(const Entry& entry, SystemTime now) const {
    if (active_ && active_->role == entry.role) return true;
    return entry.last_requested && now - *entry.last_requested < options_.idle_window;
}

namespace {

// When a wanted entry's next upstream call is due (nullopt: nothing planned). An entry without
// credentials that is not failing is due at once: it is wanted (active or recently requested)
// and its credentials expired (e.g. across a suspend) or were never fetched (active at start).
std::optional<SystemTime> due_at(bool has_creds, SystemTime renew_at, bool failing,
                                 bool retry_in_background, std::optional<SystemTime> not_before,
                                 SystemTime now) {
    std::optional<SystemTime> base;
    if (has_creds)
        base = renew_at;
    else if (failing)
        base = retry_in_background ? std::optional(now) : std::nullopt;
    else
        base = now;
    if (base && not_before) base = std::max(*base, *not_before);
    return base;
}

}  // namespace

std::optional<SystemTime> CredentialEngine::next_action(const Entry& e, SystemTime now) const {
    std::optional<SystemTime> t;
    auto consider = [&](std::optional<SystemTime> x) {
        if (x && (!t || *x < *t)) t = x;
    };
    const bool active = active_ && active_->role == e.role;
    if (e.creds) consider(e.creds->credentials.expiration);
    // Not while a fetch is in flight: its result reschedules, and a past idle deadline armed
    // now would spin the loop until the fetch returns.
    if (!active && e.fetch_id == 0)
        consider(e.last_requested ? *e.last_requested + options_.idle_window : now);
    if (e.fetch_id == 0 && wanted(e, now))
        consider(due_at(e.creds != nullptr, e.renew_at, e.failing, e.retry_in_background,
                        e.retry_not_before, now));
    return t;
}

void CredentialEngine::evaluate() {
    const SystemTime now = clock_.now();
    if (active_) entry_for(active_->role);
    std::vector<RoleRef> idle;
    for (auto& [role, ptr] : entries_) {
        Entry& e = *ptr;
        drop_expired(e, now);
        if (!wanted(e, now)) {
            if (e.fetch_id == 0 && e.waiters.empty()) idle.push_back(role);
            continue;
        }
        if (e.fetch_id != 0) continue;
        const auto due = due_at(e.creds != nullptr, e.renew_at, e.failing, e.retry_in_background,
                                e.retry_not_before, now);
        if (due && *due <= now) start_fetch(e);
    }
    for (const auto& role : idle) {
        spdlog::info("role {} idle for {} h; dropping its credentials", role.to_string(),
                     std::chrono::duration_cast<std::chrono::hours>(options_.idle_window).count());
        entries_.erase(role);
    }
    reschedule();
}

void CredentialEngine::reschedule() {
    const SystemTime now = clock_.now();
    std::optional<SystemTime> t;
    for (const auto& [role, e] : entries_) {
        const auto x = next_action(*e, now);
        if (x && (!t || *x < *t)) t = x;
    }
    if (t)
        scheduler_->arm(*t, [this] { evaluate(); });
    else
        scheduler_->disarm();
}

void CredentialEngine::on_clock_jump() {
    spdlog::info("clock jump or resume: re-evaluating {} cached role(s)", entries_.size());
    evaluate();
}

void CredentialEngine::invalidate(const std::string& session) {
    std::vector<CredentialsCallback> waiters;
    for (auto it = entries_.begin(); it != entries_.end();) {
        if (resolver_.root_session(it->first.session) == session) {
            for (auto& w : it->second->waiters) waiters.push_back(std::move(w));
            it = entries_.erase(it);  // wipes the credentials
        } else {
            ++it;
        }
    }
    spdlog::info("signed out of session '{}'; its cached credentials are wiped", session);
    reschedule();
    Error err = Error::make(ErrorCode::LoginRequired,
                            "signed out of session '" + session + "'; run `ssocred login`");
    err.session = session;
    for (auto& w : waiters) w(err);
}

void CredentialEngine::clear() {
    std::vector<CredentialsCallback> waiters;
    for (auto& [role, e] : entries_)
        for (auto& w : e->waiters) waiters.push_back(std::move(w));
    entries_.clear();
    spdlog::info("all cached credentials wiped");
    reschedule();
    const Error err = Error::make(ErrorCode::LoginRequired, "signed out; run `ssocred login`");
    for (auto& w : waiters) w(err);
}

void CredentialEngine::session_changed(const std::string& session) {
    for (auto& [role, e] : entries_) {
        if (resolver_.root_session(role.session) != session) continue;
        e->backoff.reset();
        e->retry_not_before.reset();
        e->failing = false;
        e->retry_in_background = false;
    }
    evaluate();
}

std::optional<RoleRef> CredentialEngine::active_role() const {
    if (!active_) return std::nullopt;
    return active_->role;
}

std::optional<std::string> CredentialEngine::active_profile() const {
    if (!active_) return std::nullopt;
    return active_->profile;
}

Status CredentialEngine::set_active_role(const RoleRef& role, std::optional<std::string> profile) {
    ActiveRole next{role, std::move(profile)};
    if (auto s = active_store_.save(next); !s) return s;
    active_ = std::move(next);
    spdlog::info("active role is now {} (session '{}')", role.to_string(), role.session);
    prefetch(role);
    evaluate();  // the previous active role may now be idle
    return ok();
}

Status CredentialEngine::clear_active_role() {
    if (auto s = active_store_.clear(); !s) return s;
    active_.reset();
    evaluate();
    return ok();
}

Expected<RoleRef> CredentialEngine::resolve_profile(std::string_view profile) const {
    return resolver_.resolve(profile);
}

std::string CredentialEngine::region() const {
    if (active_ && active_->profile)
        if (auto r = resolver_.profile_region(*active_->profile); r && !r->empty()) return *r;
    if (active_)
        if (auto r = resolver_.sso_region(active_->role.session); r && !r->empty()) return *r;
    return "us-east-1";
}

EngineSnapshot CredentialEngine::snapshot() const {
    const SystemTime now = clock_.now();
    EngineSnapshot snap;
    snap.counters = counters_;
    for (const auto& [role, e] : entries_) {
        RoleStatus s;
        s.role = role;
        s.active = active_ && active_->role == role;
        s.fetching = e->fetch_id != 0;
        if (e->creds && e->creds->credentials.expiration > now)
            s.expiration = e->creds->credentials.expiration;
        if (!s.fetching && wanted(*e, now))
            s.next_renewal_at = due_at(e->creds != nullptr, e->renew_at, e->failing,
                                       e->retry_in_background, e->retry_not_before, now);
        if (e->last_error) s.last_error = e->last_error->message;
        s.last_error_at = e->last_error_at;
        s.requests = e->requests;
        s.last_requested = e->last_requested;
        snap.roles.push_back(std::move(s));
    }
    return snap;
}

}  // namespace ssocred
