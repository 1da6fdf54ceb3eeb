// CredentialEngine: the CredentialSource the daemon serves from (DESIGN.md "Renewal policy").
//
// Per role it caches one ServedCredentials, serves it while it has at least the serve floor
// left (RenewalPolicy), renews it ahead of that point with jitter for the active role and for
// roles requested within `idle_window`, collapses concurrent misses into one upstream call
// (single flight), keeps last-good credentials in service through upstream failures until
// they expire, and backs off (capped, jittered) so a failing role costs at most one upstream
// call per backoff period whatever the request rate. docs/renewal.md has the numbers.
//
// Threading invariant: every member function, every callback and every piece of state below
// lives on the event-loop thread (the `loop` executor). The only thing that runs elsewhere
// is RoleCredentialFetcher::fetch, on the `worker` executor; its result is posted back to
// the loop. Hence no locks. The fetcher must outlive any fetch in progress (stop/join the
// worker pool before destroying the fetcher); destroying the engine first is safe: late
// results are dropped.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "ssocred/backoff.hpp"

#include "creds/active_role_store.hpp"
#include "creds/credential_source.hpp"
#include "creds/profile_resolver.hpp"
#include "creds/renewal_policy.hpp"
#include "creds/scheduler.hpp"

namespace ssocred {

struct EngineOptions {
    RenewalPolicy policy;
    // Roles not requested for this long (and not active) are no longer renewed and are
    // dropped from the cache (their credentials wiped).
    std::chrono::seconds idle_window{std::chrono::hours(4)};
    std::chrono::milliseconds backoff_initial{std::chrono::seconds(1)};
    std::chrono::milliseconds backoff_max{std::chrono::minutes(5)};
    // Seed for jitter; random when unset (tests set it for reproducibility).
    std::optional<std::uint64_t> seed;
};

struct RoleStatus {
    RoleRef role;
    bool active = false;
    bool fetching = false;
    std::optional<SystemTime> expiration;       // of the cached credentials, if any
    std::optional<SystemTime> next_renewal_at;  // next planned upstream call, if any
    std::optional<std::string> last_error;      // user-facing message, secret-free
    std::optional<SystemTime> last_error_at;
    std::uint64_t requests = 0;
    std::optional<SystemTime> last_requested;
};

struct EngineCounters {
    std::uint64_t upstream_calls = 0;
    std::uint64_t renewals_ok = 0;
    std::uint64_t renewals_failed = 0;
    std::uint64_t served_cached = 0;     // answered from cache with ≥ floor left
    std::uint64_t served_last_good = 0;  // answered below the floor after a failure
    std::uint64_t served_errors = 0;
};

struct EngineSnapshot {
    std::vector<RoleStatus> roles;
    EngineCounters counters;
};

class CredentialEngine final : public CredentialSource {
  public:
    // Uses an AsioScheduler on `loop`. Loads the active role from `state_dir`/active.json
    // (a malformed file is logged and ignored).
    CredentialEngine(boost::asio::any_io_executor loop, boost::asio::any_io_executor worker,
                     RoleCredentialFetcher& fetcher, const Clock& clock, EngineOptions options,
                     const ProfileResolver& resolver, std::filesystem::path state_dir);
    // Same, with an injected scheduler (tests: ManualScheduler).
    CredentialEngine(boost::asio::any_io_executor loop, boost::asio::any_io_executor worker,
                     RoleCredentialFetcher& fetcher, const Clock& clock, EngineOptions options,
                     const ProfileResolver& resolver, std::filesystem::path state_dir,
                     std::unique_ptr<Scheduler> scheduler);
    ~CredentialEngine() override;
    CredentialEngine(const CredentialEngine&) = delete;
    CredentialEngine& operator=(const CredentialEngine&) = delete;

    // CredentialSource
    void get(const RoleRef& role, CredentialsCallback done) override;
    std::optional<RoleRef> active_role() const override;
    Expected<RoleRef> resolve_profile(std::string_view profile) const override;
    std::string region() const override;

    // Persists the selection, then warms its credentials. Applies to the next request.
    Status set_active_role(const RoleRef& role, std::optional<std::string> profile = std::nullopt);
    Status clear_active_role();
    std::optional<std::string> active_profile() const;

    // Starts a fetch for `role` unless it has servable credentials, a fetch in flight or is
    // backing off; counts as a request (keeps the role renewed for idle_window).
    void prefetch(const RoleRef& role);
    // Logout: drops and wipes every cached role of `session`; waiters get LoginRequired.
    void invalidate(const std::string& session);
    // Drops and wipes everything.
    void clear();
    // After a login: forget failures and backoff of `session`'s roles so the next request
    // (and the renewal of the active role) goes upstream at once.
    void session_changed(const std::string& session);
    // Wall clock set or machine resumed: re-evaluate every deadline now (connect the
    // ClockJumpDetector here).
    void on_clock_jump();

    EngineSnapshot snapshot() const;

  private:
    struct Entry;

    Entry& entry_for(const RoleRef& role);
    // `role` with its empty session replaced by the session it stands for (the fetcher
    // resolves it); nullopt when it already names one.
    std::optional<RoleRef> with_default_session(const RoleRef& role) const;
    void start_fetch(Entry& entry);
    void on_fetched(const RoleRef& role, std::uint64_t fetch_id, Expected<RoleCredentials> result);
    void answer(Entry& entry, const Expected<CredentialsPtr>& result);
    Error user_error(const Entry& entry) const;
    bool wanted(const Entry& entry, SystemTime now) const;
    std::optional<SystemTime> next_action(const Entry& entry, SystemTime now) const;
    void on_timer();
    void evaluate();
    void reschedule();
    void drop_expired(Entry& entry, SystemTime now);

    boost::asio::any_io_executor loop_;
    boost::asio::any_io_executor worker_;
    RoleCredentialFetcher& fetcher_;
    const Clock& clock_;
    EngineOptions options_;
    const ProfileResolver& resolver_;
    ActiveRoleStore active_store_;
    std::unique_ptr<Scheduler> scheduler_;
    std::mt19937_64 rng_;

    std::map<RoleRef, std::unique_ptr<Entry>> entries_;
    std::optional<ActiveRole> active_;
    EngineCounters counters_;
    std::uint64_t next_fetch_id_ = 1;
    // Results posted back from workers check this token: the engine may be gone.
    std::shared_ptr<CredentialEngine*> self_;
};

}  // namespace ssocred
