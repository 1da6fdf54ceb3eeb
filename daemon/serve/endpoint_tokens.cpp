#include "serve/endpoint_tokens.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <system_error>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "ssocred/crypto.hpp"
#include "ssocred/json_fields.hpp"

#include "store/atomic_file.hpp"
#include "store/token_journal.hpp"

namespace ssocred::serve {

namespace fs = std::filesystem;

struct EndpointTokens::Entry {
    ScopedTokenInfo info;
    std::optional<SystemTime> persisted_expiry;  // of a sliding token: as last written
    std::string sha256;                          // of the current value (raw 32 bytes)
    std::string previous_sha256;                 // of the value before the last rotation
    SystemTime previous_valid_until{};           // grace end for previous_sha256
};

namespace {

constexpr std::string_view kMainFile = "endpoint-token";
constexpr std::string_view kRegistryFile = "endpoint-tokens.json";
constexpr std::string_view kJournalFile = "endpoint-tokens.journal";
// Records after which a mint folds the journal into the registry (one reply in this many
// pays the registry's two fsyncs; revokes and prunes fold it anyway).
constexpr std::size_t kFoldAfter = 256;

constexpr std::size_t kTokenBytes = 32;  // 256 bits

// A token must be a valid header value that no SDK mangles: printable ASCII, no spaces.
bool printable_token(std::string_view t) {
    if (t.size() < 32 || t.size() > 512) return false;
    return std::all_of(t.begin(), t.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

std::string new_scoped_value() {
    return "sct_" + crypto::random_base64url(kTokenBytes);
}

// A file token lives alone in its own directory, <state-dir>/tokens/<id>/token, so a
// container can bind-mount that directory: a bind mount of the file itself would pin the
// inode, and the atomic rename of a rotation would never reach the container. Mounting
// the shared tokens/ directory instead would hand it every other container's token.
fs::path token_file_path(const fs::path& state_dir, std::string_view id) {
    return state_dir / "tokens" / std::string(id) / "token";
}

// Removes a file token's file and its directory.
void remove_token_file(const fs::path& file) {
    std::error_code ec;
    fs::remove_all(file.parent_path(), ec);
}

}  // namespace

EndpointTokens::EndpointTokens(Key, fs::path state_dir, const Clock& clock)
    : dir_(std::move(state_dir)), clock_(clock) {}

EndpointTokens::~EndpointTokens() {
    // A clean stop folds the journal into the registry (a failure leaves it to the next start).
    std::lock_guard lock(mutex_);
    if (journal_ && journal_->records() > 0) (void)persist_locked();
    if (journal_) (void)journal_->sync();
}

fs::path EndpointTokens::main_token_file() const {
    return dir_ / kMainFile;
}

Secret EndpointTokens::main_token() const {
    std::lock_guard lock(mutex_);
    return main_;
}

Status EndpointTokens::rotate_main() {
    Secret fresh(crypto::random_hex(kTokenBytes));
    std::lock_guard lock(mutex_);
    if (auto st = write_file_atomic(dir_ / kMainFile, fresh.reveal(), 0600); !st) return st;
    main_ = std::move(fresh);
    return ok();
}

Expected<std::unique_ptr<EndpointTokens>> EndpointTokens::open(const fs::path& state_dir,
                                                               const Clock& clock) {
    if (auto st = ensure_private_dir(state_dir); !st) return st.error();
    auto self = std::make_unique<EndpointTokens>(Key{}, state_dir, clock);
    if (auto st = self->load(); !st) return st.error();
    return self;
}

Status EndpointTokens::load() {
    const fs::path main_path = dir_ / kMainFile;
    std::error_code ec;
    if (fs::exists(main_path, ec)) {
        auto text = read_file(main_path, 4096);
        if (!text) return text.error();
        // A hand-edited file may carry a newline; tolerate it here but rewrite it bare,
        // since SDKs reading the file would send the newline.
        const std::size_t original_size = text->size();
        std::string value = std::move(*text);
        while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
        if (printable_token(value)) {
            main_ = Secret(std::move(value));
            if (main_.size() != original_size) {
                if (auto st = write_file_atomic(main_path, main_.reveal(), 0600); !st) return st;
            }
        }
        secure_wipe(*text);
    }
    if (main_.empty()) {
        main_ = Secret(crypto::random_hex(kTokenBytes));
        if (auto st = write_file_atomic(main_path, main_.reveal(), 0600); !st) return st;
    }
    ::chmod(main_path.c_str(), 0600);

    const fs::path reg = dir_ / kRegistryFile;
    nlohmann::json doc = {{"tokens", nlohmann::json::array()}};
    if (fs::exists(reg, ec)) {
        auto text = read_file(reg, 4 << 20);
        if (!text) return text.error();
        auto parsed = jf::parse_object(*text);
        if (!parsed || jf::array_member(*parsed, "tokens") == nullptr) {
            return Error::make(ErrorCode::Invalid,
                               "the endpoint token registry " + reg.string() +
                                   " is not valid JSON: move it away to start over");
        }
        doc = std::move(*parsed);
    }
    // Tokens minted since the registry was last written: their records in the journal,
    // after the last one the registry holds. A torn or garbled line (a power loss during an
    // append) is skipped: it loses that token only.
    const auto registry_seq = jf::int_member(doc, "journal_seq").value_or(0);
    journal_seq_ = registry_seq > 0 ? static_cast<std::uint64_t>(registry_seq) : 0;
    std::size_t replayed = 0;
    auto lines = TokenJournal::read_lines(dir_ / kJournalFile, 4 << 20);
    if (!lines) return lines.error();
    std::set<std::string> known;  // a record may repeat a registry entry: once is enough
    for (const auto& t : doc["tokens"])
        if (auto id = jf::string_member(t, "id")) known.insert(*id);
    for (const auto& line : *lines) {
        nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
        if (!record.is_object()) continue;
        const auto seq = jf::int_member(record, "seq").value_or(0);
        if (seq <= 0 || static_cast<std::uint64_t>(seq) <= journal_seq_) continue;
        journal_seq_ = static_cast<std::uint64_t>(seq);
        const auto id = jf::string_member(record, "id");
        if (!id || !known.insert(*id).second) continue;
        doc["tokens"].push_back(std::move(record));
        ++replayed;
    }
    if (auto journal = TokenJournal::open(dir_ / kJournalFile); journal)
        journal_ = std::move(*journal);
    else  // every change then rewrites the registry, as before the journal
        spdlog::warn("endpoint tokens: {}; every mint rewrites the registry",
                     journal.error().message);
    // Members through ssocred/json_fields.hpp. An entry with a member it needs missing, or
    // any member of the wrong type, is skipped: one bad entry must not lock out the others,
    // and a restriction (expiry, idle timeout, bound pid) that cannot be read must not
    // become "unrestricted" (fail closed).
    for (const auto& t : doc["tokens"]) {
        try {
            Entry e;
            auto id = jf::string_member(t, "id");
            auto account_id = jf::string_member(t, "account_id");
            auto role_name = jf::string_member(t, "role_name");
            auto session = jf::string_member_or(t, "session");
            auto label = jf::string_member_or(t, "label");
            const auto active = jf::bool_member_or(t, "active", false);
            const auto idle = jf::int_member_or(t, "idle_seconds", 0);
            const auto pid = jf::int_member_or(t, "bound_pid", 0);
            const auto created_at = jf::string_member(t, "created_at");
            if (!id || !account_id || !role_name || !session || !label || !active || !idle ||
                !pid || !created_at)
                continue;
            e.info.id = std::move(*id);
            e.info.role.account_id = std::move(*account_id);
            e.info.role.role_name = std::move(*role_name);
            e.info.role.session = std::move(*session);
            e.info.label = std::move(*label);
            e.info.active_role = *active;
            if (*idle > 0)
                e.info.idle_timeout = Seconds(std::min<long long>(*idle, kMaxIdle.count()));
            if (*pid > 0) e.info.bound_pid = *pid;
            e.info.created_at = parse_utc(*created_at).value_or(SystemTime{});
            if (!jf::absent(t, "expires_at")) {
                // Fail closed: an expiry that cannot be read must not become "never expires".
                const auto expires_at = jf::string_member(t, "expires_at");
                if (!expires_at) continue;
                e.info.expires_at = parse_utc(*expires_at);
                if (!e.info.expires_at) continue;
            }
            // Fail closed: a sliding or active-role token without an expiry must not live
            // forever.
            if ((e.info.idle_timeout || e.info.active_role) && !e.info.expires_at) continue;
            e.persisted_expiry = e.info.expires_at;
            const auto in_file = jf::bool_member_or(t, "file", false);
            if (!in_file) continue;
            if (*in_file) {
                // The value of a file token lives only in its file.
                const fs::path f = token_file_path(dir_, e.info.id);
                auto v = read_file(f, 4096);
                if (!v || !printable_token(*v)) continue;  // file gone: token unusable
                e.sha256 = crypto::sha256_raw(*v);
                secure_wipe(*v);
                e.info.token_file = f;
            } else {
                // 64 hex digits, else the entry matches nothing (std::stoi once took "-f").
                const auto hex = jf::string_member(t, "sha256");
                if (!hex) continue;
                auto raw = crypto::hex_decode(*hex);
                if (!raw || raw->size() != 32) continue;
                e.sha256 = std::move(*raw);
            }
            entries_.push_back(std::move(e));
        } catch (const std::exception&) {
            continue;  // one bad entry must not lock out the others
        }
    }
    prune_locked();
    // Folded into the registry at once, so the journal starts empty (a failure leaves it
    // to be replayed again next time).
    if (replayed > 0) (void)persist_locked();
    return ok();
}

namespace {

// One token's record, in the registry and in the journal: never its value, only the
// SHA-256 of it (none at all for a file token, whose value lives in its file).
nlohmann::json entry_record(const ScopedTokenInfo& info, std::string_view sha256) {
    nlohmann::json t{{"id", info.id},
                     {"account_id", info.role.account_id},
                     {"role_name", info.role.role_name},
                     {"session", info.role.session},
                     {"label", info.label},
                     {"created_at", format_utc(info.created_at)},
                     {"expires_at", nullptr},
                     {"file", info.token_file.has_value()}};
    if (info.expires_at) t["expires_at"] = format_utc(*info.expires_at);
    if (info.active_role) t["active"] = true;
    if (info.idle_timeout) t["idle_seconds"] = info.idle_timeout->count();
    if (info.bound_pid) t["bound_pid"] = *info.bound_pid;
    if (!info.token_file) t["sha256"] = crypto::hex_encode(sha256);
    return t;
}

}  // namespace

Status EndpointTokens::persist_locked() const {
    nlohmann::json tokens = nlohmann::json::array();
    for (const auto& e : entries_) tokens.push_back(entry_record(e.info, e.sha256));
    // Every record journaled so far is in `tokens` (or was revoked or pruned since).
    nlohmann::json doc{
        {"version", 1}, {"journal_seq", journal_seq_}, {"tokens", std::move(tokens)}};
    auto st = write_file_atomic(dir_ / kRegistryFile, doc.dump(2), 0600);
    if (st) {
        for (auto& e : entries_) e.persisted_expiry = e.info.expires_at;
        // Best effort: records left behind are at or below journal_seq, and skipped.
        if (journal_) (void)journal_->clear();
    }
    return st;
}

Status EndpointTokens::journal_locked(const Entry& e, bool sync_now) const {
    if (!journal_ || journal_->records() >= kFoldAfter) return persist_locked();
    nlohmann::json record = entry_record(e.info, e.sha256);
    record["seq"] = journal_seq_ + 1;
    if (auto st = journal_->append(record.dump()); !st) return persist_locked();
    ++journal_seq_;
    if (sync_now) return journal_->sync();
    return ok();
}

std::function<void()> EndpointTokens::deferred_sync() const {
    std::lock_guard lock(mutex_);
    if (!journal_ || !journal_->dirty()) return {};
    return [journal = journal_] { (void)journal->sync(); };
}

void EndpointTokens::prune_locked() const {
    const SystemTime now = clock_.now();
    auto expired = [&](const Entry& e) { return e.info.expires_at && *e.info.expires_at <= now; };
    bool any = false;
    for (const auto& e : entries_) {
        if (!expired(e)) continue;
        any = true;
        if (e.info.token_file) remove_token_file(*e.info.token_file);
    }
    if (!any) return;
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(), expired), entries_.end());
    // A failed write only leaves dead entries on disk; load() drops them again.
    (void)persist_locked();
}

namespace {

Status check_lifetime(const TokenLifetime& lifetime) {
    if (lifetime.ttl && lifetime.idle)
        return Error::make(ErrorCode::Invalid,
                           "a token has either a fixed expiry (ttl_seconds) or a sliding one "
                           "(idle_seconds), not both");
    if (lifetime.ttl && lifetime.ttl->count() <= 0)
        return Error::make(ErrorCode::Invalid, "ttl_seconds must be positive");
    // Checked before any arithmetic: created_at + a ttl near INT64_MAX overflows.
    if (lifetime.ttl && *lifetime.ttl > EndpointTokens::kMaxTtl)
        return Error::make(ErrorCode::Invalid,
                           "ttl_seconds must be at most " +
                               std::to_string(EndpointTokens::kMaxTtl.count()) +
                               " (ten years); leave it out for a token without expiry");
    if (lifetime.idle && (lifetime.idle->count() <= 0 || *lifetime.idle > EndpointTokens::kMaxIdle))
        return Error::make(ErrorCode::Invalid,
                           "the idle timeout of a token must be between 1 s and " +
                               std::to_string(EndpointTokens::kMaxIdle.count()) + " s");
    return ok();
}

}  // namespace

Expected<MintedToken> EndpointTokens::mint(const RoleRef& role, TokenLifetime lifetime, bool file,
                                           std::string label, std::optional<long long> bound_pid) {
    if (role.account_id.empty() || role.role_name.empty()) {
        return Error::make(ErrorCode::Invalid,
                           "a scoped token needs an account id and a role name");
    }
    if (auto st = check_lifetime(lifetime); !st) return st.error();
    std::lock_guard lock(mutex_);
    Entry e;
    e.info.role = role;
    e.info.created_at = clock_.now();
    if (lifetime.ttl) e.info.expires_at = e.info.created_at + *lifetime.ttl;
    if (lifetime.idle) {
        e.info.idle_timeout = lifetime.idle;
        e.info.expires_at = e.info.created_at + *lifetime.idle;
    }
    e.info.label = std::move(label);
    e.info.bound_pid = bound_pid;
    return add_locked(std::move(e), file);
}

Expected<MintedToken> EndpointTokens::mint_active(TokenLifetime lifetime, bool file,
                                                  std::string label,
                                                  std::optional<long long> bound_pid) {
    if (!lifetime.ttl && !lifetime.idle) {
        return Error::make(ErrorCode::Invalid,
                           "an active-role token needs a fixed or a sliding expiry");
    }
    if (auto st = check_lifetime(lifetime); !st) return st.error();
    std::lock_guard lock(mutex_);
    Entry e;
    e.info.active_role = true;
    e.info.created_at = clock_.now();
    if (lifetime.ttl) e.info.expires_at = e.info.created_at + *lifetime.ttl;
    if (lifetime.idle) {
        e.info.idle_timeout = lifetime.idle;
        e.info.expires_at = e.info.created_at + *lifetime.idle;
    }
    e.info.label = std::move(label);
    e.info.bound_pid = bound_pid;
    return add_locked(std::move(e), file);
}

Expected<MintedToken> EndpointTokens::add_locked(Entry e, bool file) {
    e.info.id = crypto::random_hex(8);
    Secret value(new_scoped_value());
    e.sha256 = crypto::sha256_raw(value.reveal());
    if (file) {
        const fs::path f = token_file_path(dir_, e.info.id);
        if (auto st = ensure_private_dir(f.parent_path().parent_path()); !st) return st.error();
        if (auto st = ensure_private_dir(f.parent_path()); !st) return st.error();
        if (auto st = write_file_atomic(f, value.reveal(), 0600); !st) {
            remove_token_file(f);
            return st.error();
        }
        e.info.token_file = f;
    }
    entries_.push_back(e);
    // Expired tokens go first; when there were any, the registry is rewritten with this one
    // in it (the journal record below then repeats it, which the replay skips).
    prune_locked();
    // A file token's record is synced now: its file may outlive a reboot in a container's
    // mount, and its value was synced to disk already.
    if (auto st = journal_locked(e, file); !st) {
        entries_.pop_back();
        if (e.info.token_file) remove_token_file(*e.info.token_file);
        return st.error();
    }
    return MintedToken{std::move(e.info), std::move(value)};
}

std::vector<ScopedTokenInfo> EndpointTokens::list() const {
    std::lock_guard lock(mutex_);
    prune_locked();
    std::vector<ScopedTokenInfo> out;
    out.reserve(entries_.size());
    for (const auto& e : entries_) out.push_back(e.info);
    return out;
}

Status EndpointTokens::revoke(std::string_view id) {
    std::lock_guard lock(mutex_);
    prune_locked();
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](const Entry& e) { return e.info.id == id; });
    if (it == entries_.end()) {
        return Error::make(ErrorCode::NotFound, "no endpoint token with id " + std::string(id) +
                                                    ": see `ssocred tokens list`");
    }
    if (it->info.token_file) remove_token_file(*it->info.token_file);
    entries_.erase(it);
    return persist_locked();
}

Status EndpointTokens::rotate_files(Seconds grace) {
    std::lock_guard lock(mutex_);
    prune_locked();
    const SystemTime now = clock_.now();
    for (auto& e : entries_) {
        if (!e.info.token_file) continue;
        Secret value(new_scoped_value());
        if (auto st = write_file_atomic(*e.info.token_file, value.reveal(), 0600); !st) return st;
        e.previous_sha256 = std::move(e.sha256);
        e.previous_valid_until = now + grace;
        e.sha256 = crypto::sha256_raw(value.reveal());
    }
    return ok();
}

std::optional<TokenGrant> EndpointTokens::authenticate(std::string_view presented) const {
    if (presented.empty()) return std::nullopt;
    {
        // The main token first: no hashing, no allocation on the common path. Under the
        // lock, since rotate_main may replace it.
        std::lock_guard lock(mutex_);
        if (main_.equals(presented)) return TokenGrant{true, {}, {}, false};
    }
    if (presented.size() > 512) return std::nullopt;
    const std::string digest = crypto::sha256_raw(presented);
    std::lock_guard lock(mutex_);
    const SystemTime now = clock_.now();
    std::optional<TokenGrant> found;
    Entry* matched = nullptr;
    bool any_expired = false;
    // Visit every entry (no early exit) so timing says nothing about which one matched.
    for (auto& e : entries_) {
        if (e.info.expires_at && *e.info.expires_at <= now) {
            any_expired = true;
            continue;
        }
        bool match = crypto::constant_time_equals(e.sha256, digest);
        if (!e.previous_sha256.empty() && now < e.previous_valid_until) {
            match = crypto::constant_time_equals(e.previous_sha256, digest) || match;
        }
        if (match && !found) {
            found = TokenGrant{false, e.info.role, e.info.id, e.info.active_role};
            matched = &e;
        }
    }
    if (matched != nullptr && matched->info.idle_timeout) slide_locked(*matched, now);
    // Pruning moves entries: only after the last use of `matched`.
    if (any_expired) prune_locked();
    return found;
}

void EndpointTokens::slide_locked(Entry& e, SystemTime now) const {
    const SystemTime next = now + *e.info.idle_timeout;
    if (e.info.expires_at && next <= *e.info.expires_at) return;
    e.info.expires_at = next;
    // Written now and then, not per request (see the header); a failed write only means an
    // earlier expiry after a restart.
    if (!e.persisted_expiry || next - *e.persisted_expiry > *e.info.idle_timeout / 4)
        (void)persist_locked();
}

bool grant_allows(const TokenGrant& grant, const RoleRef& role) noexcept {
    // An active-role token reaches the role active at the time of the request: the caller
    // passes only that one (container_handler).
    if (grant.all_roles || grant.active_only) return true;
    if (grant.role.account_id != role.account_id || grant.role.role_name != role.role_name) {
        return false;
    }
    return grant.role.session.empty() || role.session.empty() || grant.role.session == role.session;
}

}  // namespace ssocred::serve
