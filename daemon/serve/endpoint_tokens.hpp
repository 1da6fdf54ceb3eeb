// EndpointTokens: who may read credentials from the container endpoint.
//
// The main token (256 random bits, hex) reaches every role. It lives in
// <state-dir>/endpoint-token (0600, no trailing newline: no SDK trims the token file),
// created when missing and reused across restarts, so exported environments keep working.
//
// The main token can be rotated (rotate_main): a new value, the old one dead at once.
//
// Active-role tokens (what `ssocred env` hands SDKs by default) reach only
// `/v1/credentials`, i.e. whichever role is active when they are used, so they follow
// `ssocred use` yet cannot name another role. Their expiry slides: each use pushes it to
// now + idle timeout; an unused one expires and is pruned. The slid expiry is written to
// the registry only when it moved by more than a quarter of the idle timeout (so a busy
// token costs a write every few hours, not one per request): after a restart a token may
// expire up to that much earlier than it would have.
//
// Scoped tokens reach one role, with a fixed expiry (ttl), a sliding one (idle timeout, as
// active-role tokens: what the CLI mints) or none (only when a control-API client asks for
// none). A token may also be bound to a client process (bound_pid): the daemon revokes it
// when that process exits (control/client_bound_tokens.hpp); the expiry stays the backstop.
//
// Expired tokens are pruned (and their files removed, the registry rewritten) whenever the
// registry is touched: a mint, a list, a revoke, or a request presenting any token. No timer
// is needed: an expired entry matches nothing in the meantime. On disk
// (<state-dir>/endpoint-tokens.json, 0600, written atomically) only their SHA-256 is kept:
// a leaked state file does not leak working tokens. The one exception is a "file" token,
// whose value must be on disk anyway for AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: it lives in
// <state-dir>/tokens/<id>/token (0600, no trailing newline; a directory of its own so it can
// be bind-mounted into one container) and nowhere else; rotate_files()
// replaces those values, keeping the previous one valid for a grace period.
//
// Durability: a mint appends the token's record to <state-dir>/endpoint-tokens.journal
// (store/token_journal.hpp) before the token is handed out, so it survives the daemon being
// killed (kill -9) without waiting for the disk; deferred_sync() gives the caller the
// fsync to run off the reply path. A file token's record is synced before the mint returns
// (its file may be read by a container after a reboot). Revokes, prunes and rotations
// rewrite the registry atomically as before, folding the journal into it. docs/storage.md.
//
// Thread-safe (one mutex): the serving plane authenticates on the loop while the control
// plane may mint or revoke from elsewhere.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ssocred/credentials.hpp"
#include "ssocred/expected.hpp"
#include "ssocred/secret.hpp"
#include "ssocred/time.hpp"

namespace ssocred {
class TokenJournal;
}

namespace ssocred::serve {

struct ScopedTokenInfo {
    std::string id;
    RoleRef role;
    SystemTime created_at{};
    std::optional<SystemTime> expires_at;
    std::optional<std::filesystem::path> token_file;
    std::string label;
    bool active_role = false;             // reaches /v1/credentials only (role is empty)
    std::optional<Seconds> idle_timeout;  // sliding expiry: each use extends it
    std::optional<long long> bound_pid;   // revoked when this process exits
};

// How long a new token lives. ttl and idle are exclusive; neither: no expiry (scoped tokens
// only; an active-role token always has one of them).
struct TokenLifetime {
    std::optional<Seconds> ttl;   // fixed: created_at + ttl
    std::optional<Seconds> idle;  // sliding: last use + idle
};

struct MintedToken {
    ScopedTokenInfo info;
    Secret token;  // the value; shown once, to the minting client
};

// What a presented token may reach.
struct TokenGrant {
    bool all_roles = false;    // the main token
    RoleRef role;              // scoped tokens only
    std::string id;            // scoped and active-role tokens
    bool active_only = false;  // an active-role token: /v1/credentials only
};

class EndpointTokens {
  public:
    // Loads (or creates) the main token and the scoped-token registry under `state_dir`
    // (created 0700 if missing). Expired scoped tokens are dropped on load.
    static Expected<std::unique_ptr<EndpointTokens>> open(
        const std::filesystem::path& state_dir, const Clock& clock = RealClock::instance());

    EndpointTokens(const EndpointTokens&) = delete;
    EndpointTokens& operator=(const EndpointTokens&) = delete;
    ~EndpointTokens();

    // Longest idle timeout of an active-role token, and the default.
    static constexpr Seconds kMaxIdle{Seconds(30 * 24 * 3600)};
    static constexpr Seconds kDefaultIdle{Seconds(24 * 3600)};

    Secret main_token() const;
    std::filesystem::path main_token_file() const;
    // A new main token (file rewritten atomically); the old value stops working at once.
    Status rotate_main();

    // The longest ttl a scoped token may have (ten years). Longer ones are refused (Invalid,
    // 400 from the control API): created_at + ttl must stay far inside SystemTime's range,
    // and "no expiry" is asked for by leaving the ttl out.
    static constexpr Seconds kMaxTtl{10LL * 366 * 24 * 3600};

    // A new scoped token for `role`. ttl: 1..kMaxTtl; idle: 1..kMaxIdle; not both (Invalid).
    // file: also write <state-dir>/tokens/<id>/token. bound_pid: recorded (and persisted)
    // for the caller that watches the process.
    Expected<MintedToken> mint(const RoleRef& role, TokenLifetime lifetime, bool file,
                               std::string label, std::optional<long long> bound_pid = {});
    Expected<MintedToken> mint(const RoleRef& role, std::optional<Seconds> ttl, bool file,
                               std::string label) {
        return mint(role, TokenLifetime{ttl, std::nullopt}, file, std::move(label));
    }
    // A new active-role token: valid on /v1/credentials only, with a sliding (idle) or
    // fixed (ttl) expiry, exactly one of them (Invalid otherwise). file: as for mint.
    Expected<MintedToken> mint_active(TokenLifetime lifetime, bool file, std::string label,
                                      std::optional<long long> bound_pid = {});
    Expected<MintedToken> mint_active(Seconds idle, bool file, std::string label) {
        return mint_active(TokenLifetime{std::nullopt, idle}, file, std::move(label));
    }
    // Live scoped tokens (never their values), oldest first.
    std::vector<ScopedTokenInfo> list() const;
    // NotFound when no live token has this id. Removes its file.
    Status revoke(std::string_view id);
    // Gives every file token a new value (file rewritten atomically); the old value keeps
    // working for `grace` so a client that read the file just before still succeeds.
    Status rotate_files(Seconds grace);

    // The fsync of the records minted since the last one, for the caller to run off its
    // reply path (any thread; it keeps what it needs alive); empty when nothing is pending.
    std::function<void()> deferred_sync() const;

    // The grant of `presented` (the raw Authorization value, without "Bearer "), or
    // nullopt for an unknown, expired or revoked token. Compared in constant time. A
    // sliding token's expiry moves on (and is persisted now and then, see above).
    std::optional<TokenGrant> authenticate(std::string_view presented) const;

  private:
    // Passkey: only open() can construct, yet std::make_unique can call the constructor.
    struct Key {
        explicit Key() = default;
    };

  public:
    EndpointTokens(Key, std::filesystem::path state_dir, const Clock& clock);

  private:
    struct Entry;
    Status load();
    Status persist_locked() const;
    Expected<MintedToken> add_locked(Entry e, bool file);
    // Drops expired entries (and their files); rewrites the registry when any was dropped.
    void prune_locked() const;
    void slide_locked(Entry& e, SystemTime now) const;
    // Appends a new entry's record to the journal (its registry rewrite, should that fail).
    Status journal_locked(const Entry& e, bool sync_now) const;

    std::filesystem::path dir_;
    const Clock& clock_;
    Secret main_;
    mutable std::mutex mutex_;
    mutable std::vector<Entry> entries_;
    std::shared_ptr<TokenJournal> journal_;  // null when it cannot be opened: registry only
    // The sequence number of the last record journaled; the registry names the last one it
    // holds, so records of a journal whose clear was lost are not replayed twice.
    mutable std::uint64_t journal_seq_ = 0;
};

// True for a role the grant may read: same account and role name, and the same session
// when both name one.
bool grant_allows(const TokenGrant& grant, const RoleRef& role) noexcept;

}  // namespace ssocred::serve
