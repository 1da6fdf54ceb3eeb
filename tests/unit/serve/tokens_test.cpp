// EndpointTokens: the main token file, scoped tokens, persistence (hashes only), files.
#include <limits>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "control/client_bound_tokens.hpp"
#include "platform/process_exit_watch.hpp"
#include "serve/endpoint_tokens.hpp"
#include "serve_test_support.hpp"
#include "store/atomic_file.hpp"

namespace ssocred::serve::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class TokensTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/ssocred-tokens-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir = fs::path(tmpl) / "state";
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir.parent_path(), ec);
    }
    std::unique_ptr<EndpointTokens> open() {
        auto t = EndpointTokens::open(dir, clock);
        EXPECT_TRUE(t.has_value());
        return t ? std::move(*t) : nullptr;
    }
    static unsigned mode(const fs::path& p) {
        struct stat st {};
        ::stat(p.c_str(), &st);
        return st.st_mode & 0777;
    }
    fs::path dir;
    ManualClock clock{std::chrono::system_clock::now()};
};

TEST_F(TokensTest, MainTokenCreatedPrivateAndReused) {
    auto t = open();
    const std::string value = t->main_token().reveal();
    EXPECT_EQ(value.size(), 64u);  // 256 bits, hex
    for (char c : value) EXPECT_TRUE(std::isxdigit(static_cast<unsigned char>(c)));
    auto file = read_file(t->main_token_file());
    ASSERT_TRUE(file);
    EXPECT_EQ(*file, value);  // no trailing newline
    EXPECT_EQ(mode(t->main_token_file()), 0600u);
    EXPECT_EQ(mode(dir), 0700u);
    t.reset();
    EXPECT_EQ(open()->main_token().reveal(), value);
}

TEST_F(TokensTest, HandEditedNewlineIsStripped) {
    { auto t = open(); }
    const std::string v(64, 'b');
    ASSERT_TRUE(write_file_atomic(dir / "endpoint-token", v + "\n"));
    auto t = open();
    EXPECT_EQ(t->main_token().reveal(), v);
    EXPECT_EQ(*read_file(dir / "endpoint-token"), v);
}

TEST_F(TokensTest, MainTokenReachesEveryRole) {
    auto t = open();
    auto g = t->authenticate(t->main_token().reveal());
    ASSERT_TRUE(g);
    EXPECT_TRUE(g->all_roles);
    EXPECT_TRUE(grant_allows(*g, role("1", "X")));
    EXPECT_FALSE(t->authenticate(""));
    EXPECT_FALSE(t->authenticate("nope"));
}

TEST_F(TokensTest, ScopedMintListRevokePersist) {
    auto t = open();
    auto m = t->mint(role("111111111111", "Dev"), 3600s, false, "ci job");
    ASSERT_TRUE(m);
    const std::string value = m->token.reveal();
    EXPECT_FALSE(m->info.token_file);
    auto g = t->authenticate(value);
    ASSERT_TRUE(g);
    EXPECT_FALSE(g->all_roles);
    EXPECT_EQ(g->id, m->info.id);
    EXPECT_TRUE(grant_allows(*g, role("111111111111", "Dev")));
    EXPECT_FALSE(grant_allows(*g, role("111111111111", "Admin")));
    ASSERT_EQ(t->list().size(), 1u);
    EXPECT_EQ(t->list()[0].label, "ci job");

    // On disk (the mint's record, in the journal): the hash, never the value; 0600.
    const auto journal = read_file(dir / "endpoint-tokens.journal");
    ASSERT_TRUE(journal);
    EXPECT_NE(journal->find(m->info.id), std::string::npos);
    EXPECT_EQ(journal->find(value), std::string::npos);
    EXPECT_EQ(mode(dir / "endpoint-tokens.journal"), 0600u);

    // Survives a restart; a clean stop folds the journal into the registry.
    t.reset();
    const auto registry = read_file(dir / "endpoint-tokens.json");
    ASSERT_TRUE(registry);
    EXPECT_NE(registry->find(m->info.id), std::string::npos);
    EXPECT_EQ(registry->find(value), std::string::npos);
    EXPECT_EQ(mode(dir / "endpoint-tokens.json"), 0600u);
    t = open();
    ASSERT_TRUE(t->authenticate(value));
    ASSERT_EQ(t->list().size(), 1u);

    ASSERT_TRUE(t->revoke(m->info.id));
    EXPECT_FALSE(t->authenticate(value));
    EXPECT_TRUE(t->list().empty());
    EXPECT_EQ(t->revoke(m->info.id).error().code, ErrorCode::NotFound);
    t.reset();
    EXPECT_FALSE(open()->authenticate(value));
}

// What kill -9 leaves: the state dir as it is while the daemon runs (no destructor, no
// fold). A copy of it is opened as the next daemon would open it.
TEST_F(TokensTest, AMintSurvivesAKillWithoutARegistryRewrite) {
    auto t = open();
    auto scoped = t->mint(role("111111111111", "Dev"), TokenLifetime{std::nullopt, 3600s}, false,
                          "env --profile dev");
    auto active = t->mint_active(3600s, false, "env");
    ASSERT_TRUE(scoped && active);
    // No registry write on the mint's path: the records are in the journal only.
    EXPECT_FALSE(fs::exists(dir / "endpoint-tokens.json"));
    auto sync = t->deferred_sync();
    ASSERT_TRUE(sync);  // the fsync, for a worker to run after the answer
    sync();
    EXPECT_FALSE(t->deferred_sync());  // nothing more to sync

    const fs::path killed = dir.parent_path() / "killed";
    fs::copy(dir, killed, fs::copy_options::recursive);
    auto after = EndpointTokens::open(killed, clock);
    ASSERT_TRUE(after) << after.error().message;
    auto g = (*after)->authenticate(scoped->token.reveal());
    ASSERT_TRUE(g);
    EXPECT_EQ(g->role.role_name, "Dev");
    g = (*after)->authenticate(active->token.reveal());
    ASSERT_TRUE(g);
    EXPECT_TRUE(g->active_only);
    EXPECT_EQ((*after)->list().size(), 2u);
    // Replayed records are folded at once: the registry has them, the journal is empty.
    auto doc = nlohmann::json::parse(*read_file(killed / "endpoint-tokens.json"));
    EXPECT_EQ(doc["tokens"].size(), 2u);
    EXPECT_EQ(read_file(killed / "endpoint-tokens.journal")->size(), 0u);
}

// A revoke rewrites the registry and empties the journal; should the emptying be lost, the
// mint's record must not bring the token back.
TEST_F(TokensTest, ARevokedTokenIsNotReplayedFromAStaleJournal) {
    auto t = open();
    auto gone = t->mint(role("1", "R"), TokenLifetime{std::nullopt, 3600s}, false, "gone");
    auto kept = t->mint(role("1", "R"), TokenLifetime{std::nullopt, 3600s}, false, "kept");
    ASSERT_TRUE(gone && kept);
    const auto stale = read_file(dir / "endpoint-tokens.journal");
    ASSERT_TRUE(stale);
    ASSERT_TRUE(t->revoke(gone->info.id));
    auto later = t->mint(role("1", "R"), TokenLifetime{std::nullopt, 3600s}, false, "later");
    ASSERT_TRUE(later);
    // The journal as if the revoke's clear never reached it: the old records, then the new.
    const auto fresh = read_file(dir / "endpoint-tokens.journal");
    ASSERT_TRUE(fresh);
    ASSERT_TRUE(write_file_atomic(dir / "endpoint-tokens.journal", *stale + *fresh, 0600));
    const fs::path killed = dir.parent_path() / "killed";
    fs::copy(dir, killed, fs::copy_options::recursive);
    auto after = EndpointTokens::open(killed, clock);
    ASSERT_TRUE(after) << after.error().message;
    EXPECT_FALSE((*after)->authenticate(gone->token.reveal()));
    EXPECT_TRUE((*after)->authenticate(kept->token.reveal()));
    EXPECT_TRUE((*after)->authenticate(later->token.reveal()));
    EXPECT_EQ((*after)->list().size(), 2u);
}

// A power loss mid-append leaves a line without its newline, or garbage: skipped, the
// records before it still count.
TEST_F(TokensTest, ATornJournalLineIsSkipped) {
    auto t = open();
    auto a = t->mint_active(3600s, false, "a");
    ASSERT_TRUE(a);
    auto journal = read_file(dir / "endpoint-tokens.journal");
    ASSERT_TRUE(journal);
    const fs::path killed = dir.parent_path() / "killed";
    fs::create_directories(killed);
    fs::copy(dir, killed, fs::copy_options::recursive);
    ASSERT_TRUE(write_file_atomic(killed / "endpoint-tokens.journal",
                                  *journal + "\x01\x02 not json\n{\"seq\":2,\"id\":\"ab", 0600));
    auto after = EndpointTokens::open(killed, clock);
    ASSERT_TRUE(after) << after.error().message;
    EXPECT_TRUE((*after)->authenticate(a->token.reveal()));
    EXPECT_EQ((*after)->list().size(), 1u);
}

TEST_F(TokensTest, TamperedRegistryEntriesFailClosed) {
    auto t = open();
    auto bad_expiry = t->mint(role("111111111111", "Dev"), 3600s, false, "a");
    auto bad_hash = t->mint(role("111111111111", "Dev"), 3600s, false, "b");
    auto intact = t->mint(role("111111111111", "Dev"), 3600s, false, "c");
    ASSERT_TRUE(bad_expiry && bad_hash && intact);
    t.reset();

    const fs::path registry = dir / "endpoint-tokens.json";
    auto doc = nlohmann::json::parse(*read_file(registry));
    for (auto& entry : doc["tokens"]) {
        if (entry["id"] == bad_expiry->info.id) entry["expires_at"] = "next tuesday";
        if (entry["id"] == bad_hash->info.id) {
            // "-f" parses as a hex pair with std::stoi; the digest must be refused instead.
            std::string hex = entry["sha256"];
            hex.replace(0, 2, "-f");
            entry["sha256"] = hex;
        }
    }
    ASSERT_TRUE(write_file_atomic(registry, doc.dump(), 0600));

    t = open();
    // An unreadable expiry is not "never expires"; a malformed digest matches nothing.
    EXPECT_FALSE(t->authenticate(bad_expiry->token.reveal()));
    EXPECT_FALSE(t->authenticate(bad_hash->token.reveal()));
    EXPECT_TRUE(t->authenticate(intact->token.reveal()));
    ASSERT_EQ(t->list().size(), 1u);
    EXPECT_EQ(t->list()[0].label, "c");
}

// Members of the wrong type skip their entry, so a restriction that cannot be read (an idle
// timeout, a bound pid, the active-role flag) never reads as "none"; a bound pid above
// INT64_MAX once wrapped to a negative number and the token came back unbound.
TEST_F(TokensTest, MistypedRegistryMembersSkipTheirEntry) {
    auto t = open();
    const std::pair<const char*, nlohmann::json> tamperings[] = {
        {"bound_pid", nlohmann::json(std::numeric_limits<std::uint64_t>::max())},
        {"bound_pid", nlohmann::json("4242")},
        {"idle_seconds", nlohmann::json("100")},
        {"idle_seconds", nlohmann::json(1.5)},
        {"active", nlohmann::json(1)},
        {"file", nlohmann::json("no")},
        {"expires_at", nlohmann::json(1795000000)},
        {"label", nlohmann::json(7)},
        {"session", nlohmann::json::array()},
        {"id", nlohmann::json(nullptr)},
        {"account_id", nlohmann::json(111111111111)},
        {"created_at", nlohmann::json(false)},
        {"sha256", nlohmann::json(nullptr)},
    };
    std::vector<MintedToken> tampered;
    for (std::size_t i = 0; i < std::size(tamperings); ++i) {
        auto m = t->mint_active(TokenLifetime{std::nullopt, 100s}, false, "t", 4242);
        ASSERT_TRUE(m);
        tampered.push_back(std::move(*m));
    }
    auto intact = t->mint_active(TokenLifetime{std::nullopt, 100s}, false, "intact", 4242);
    ASSERT_TRUE(intact);
    t.reset();

    const fs::path registry = dir / "endpoint-tokens.json";
    auto doc = nlohmann::json::parse(*read_file(registry));
    for (auto& entry : doc["tokens"]) {
        for (std::size_t i = 0; i < tampered.size(); ++i) {
            if (entry["id"] != tampered[i].info.id) continue;
            const auto& tampering = tamperings[i];
            entry[tampering.first] = tampering.second;
        }
    }
    ASSERT_TRUE(write_file_atomic(registry, doc.dump(), 0600));

    t = open();
    for (std::size_t i = 0; i < tampered.size(); ++i) {
        SCOPED_TRACE(std::string(tamperings[i].first) + "=" + tamperings[i].second.dump());
        EXPECT_FALSE(t->authenticate(tampered[i].token.reveal()));
    }
    EXPECT_TRUE(t->authenticate(intact->token.reveal()));
    ASSERT_EQ(t->list().size(), 1u);
    EXPECT_EQ(t->list()[0].bound_pid, 4242);
}

// Optional members left out or null read as their defaults.
TEST_F(TokensTest, RegistryMembersMayBeLeftOutOrNull) {
    auto t = open();
    auto m = t->mint(role("111111111111", "Dev"), 3600s, false, "lbl");
    ASSERT_TRUE(m);
    t.reset();
    const fs::path registry = dir / "endpoint-tokens.json";
    auto doc = nlohmann::json::parse(*read_file(registry));
    auto& entry = doc["tokens"][0];
    entry.erase("session");
    entry["label"] = nullptr;
    entry["idle_seconds"] = nullptr;
    entry["bound_pid"] = -1;  // not a pid: unbound, as before
    entry.erase("file");
    ASSERT_TRUE(write_file_atomic(registry, doc.dump(), 0600));
    t = open();
    EXPECT_TRUE(t->authenticate(m->token.reveal()));
    ASSERT_EQ(t->list().size(), 1u);
    EXPECT_EQ(t->list()[0].label, "");
    EXPECT_FALSE(t->list()[0].idle_timeout);
    EXPECT_FALSE(t->list()[0].bound_pid);
}

TEST_F(TokensTest, ScopedExpiry) {
    auto t = open();
    auto m = t->mint(role("1", "R"), 60s, false, "");
    ASSERT_TRUE(m);
    EXPECT_TRUE(t->authenticate(m->token.reveal()));
    clock.advance(60s);
    EXPECT_FALSE(t->authenticate(m->token.reveal()));
    EXPECT_TRUE(t->list().empty());
    EXPECT_FALSE(t->mint(role("1", "R"), 0s, false, ""));
    EXPECT_FALSE(t->mint(role("", "R"), std::nullopt, false, ""));
}

// A ttl near INT64_MAX made created_at + ttl overflow (undefined behaviour); anything beyond
// the cap is refused as invalid (400 from the control API), the cap itself is accepted.
TEST_F(TokensTest, TtlBeyondTheCapIsRefused) {
    auto t = open();
    for (const auto ttl : {Seconds(std::numeric_limits<Seconds::rep>::max()),
                           Seconds(std::numeric_limits<Seconds::rep>::max() / 1'000'000'000),
                           EndpointTokens::kMaxTtl + 1s}) {
        auto m = t->mint(role("1", "R"), ttl, false, "");
        ASSERT_FALSE(m) << ttl.count();
        EXPECT_EQ(m.error().code, ErrorCode::Invalid);
    }
    EXPECT_TRUE(t->list().empty());
    auto capped = t->mint(role("1", "R"), EndpointTokens::kMaxTtl, false, "");
    ASSERT_TRUE(capped);
    ASSERT_TRUE(capped->info.expires_at);
    EXPECT_GT(*capped->info.expires_at, clock.now());
    EXPECT_TRUE(t->authenticate(capped->token.reveal()));
}

TEST_F(TokensTest, ActiveRoleTokenSlidesAndReachesNoNamedRole) {
    auto t = open();
    auto m = t->mint_active(std::chrono::seconds(100), false, "env");
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_TRUE(m->info.active_role);
    const std::string value = m->token.reveal();
    auto g = t->authenticate(value);
    ASSERT_TRUE(g);
    EXPECT_TRUE(g->active_only);
    EXPECT_FALSE(g->all_roles);
    EXPECT_EQ(g->id, m->info.id);
    // Each use moves the expiry: 3 x 60 s of use with a 100 s idle timeout.
    for (int i = 0; i < 3; ++i) {
        clock.advance(60s);
        ASSERT_TRUE(t->authenticate(value)) << i;
    }
    // Persisted (the slide moved it by more than a quarter of the idle timeout): a
    // restart keeps it alive.
    clock.advance(60s);
    ASSERT_TRUE(open()->authenticate(value));
    clock.advance(101s);
    EXPECT_FALSE(t->authenticate(value));
    EXPECT_TRUE(t->list().empty());  // pruned
    EXPECT_FALSE(t->mint_active(0s, false, ""));
    EXPECT_FALSE(t->mint_active(EndpointTokens::kMaxIdle + 1s, false, ""));
}

// What `env --profile` mints: a scoped token whose expiry slides with use, as the
// active-role token's does; unused, it expires and is pruned from memory, disk and files.
TEST_F(TokensTest, ScopedTokenSlidesThenIsPrunedWithItsFile) {
    auto t = open();
    auto m = t->mint(role("1", "R"), TokenLifetime{std::nullopt, 100s}, true, "env --profile p");
    ASSERT_TRUE(m) << m.error().message;
    ASSERT_TRUE(m->info.expires_at && m->info.idle_timeout && m->info.token_file);
    const fs::path file = *m->info.token_file;
    const std::string value = m->token.reveal();
    for (int i = 0; i < 4; ++i) {
        clock.advance(60s);
        ASSERT_TRUE(t->authenticate(value)) << i;
    }
    EXPECT_EQ(t->list().at(0).idle_timeout, 100s);
    clock.advance(101s);
    EXPECT_FALSE(t->authenticate(value));
    EXPECT_FALSE(fs::exists(file));
    // Pruned on disk too, before anything else touches the registry.
    auto doc = nlohmann::json::parse(*read_file(dir / "endpoint-tokens.json"));
    EXPECT_TRUE(doc["tokens"].empty());
    EXPECT_TRUE(t->list().empty());
}

// A fixed expiry does not move with use.
TEST_F(TokensTest, TtlDoesNotSlide) {
    auto t = open();
    auto m = t->mint(role("1", "R"), TokenLifetime{100s, std::nullopt}, false, "");
    ASSERT_TRUE(m);
    clock.advance(60s);
    ASSERT_TRUE(t->authenticate(m->token.reveal()));
    clock.advance(41s);
    EXPECT_FALSE(t->authenticate(m->token.reveal()));
    EXPECT_TRUE(t->list().empty());
    auto fixed_active = t->mint_active(TokenLifetime{10s, std::nullopt}, false, "");
    ASSERT_TRUE(fixed_active);
    EXPECT_FALSE(fixed_active->info.idle_timeout);
    clock.advance(5s);
    ASSERT_TRUE(t->authenticate(fixed_active->token.reveal()));
    clock.advance(5s);
    EXPECT_FALSE(t->authenticate(fixed_active->token.reveal()));
}

TEST_F(TokensTest, LifetimesAreValidated) {
    auto t = open();
    EXPECT_FALSE(t->mint(role("1", "R"), TokenLifetime{10s, 10s}, false, ""));
    EXPECT_FALSE(t->mint(role("1", "R"), TokenLifetime{std::nullopt, 0s}, false, ""));
    EXPECT_FALSE(t->mint(role("1", "R"), TokenLifetime{std::nullopt, EndpointTokens::kMaxIdle + 1s},
                         false, ""));
    EXPECT_FALSE(t->mint_active(TokenLifetime{}, false, ""));
    EXPECT_TRUE(t->list().empty());
}

// Expired entries go when the registry is touched by a mint or a list, even without a use.
TEST_F(TokensTest, MintAndListPruneExpired) {
    auto t = open();
    auto old = t->mint(role("1", "R"), TokenLifetime{std::nullopt, 10s}, false, "old");
    ASSERT_TRUE(old);
    clock.advance(11s);
    auto fresh = t->mint(role("1", "R"), TokenLifetime{std::nullopt, 10s}, false, "fresh");
    ASSERT_TRUE(fresh);
    auto doc = nlohmann::json::parse(*read_file(dir / "endpoint-tokens.json"));
    ASSERT_EQ(doc["tokens"].size(), 1u);
    EXPECT_EQ(doc["tokens"][0]["label"], "fresh");
    clock.advance(11s);
    EXPECT_TRUE(t->list().empty());
    doc = nlohmann::json::parse(*read_file(dir / "endpoint-tokens.json"));
    EXPECT_TRUE(doc["tokens"].empty());
}

// The process a token is bound to survives a restart, so the daemon can watch it again.
TEST_F(TokensTest, BoundPidIsPersisted) {
    auto t = open();
    auto m = t->mint_active(TokenLifetime{std::nullopt, 100s}, false, "exec", 4242);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->info.bound_pid, 4242);
    t.reset();
    auto list = open()->list();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].bound_pid, 4242);
}

// What `exec` relies on when it is killed: the token dies with the process it is bound to,
// noticed on the event loop without polling; a reaped pid cannot be watched (NotFound).
TEST_F(TokensTest, BoundTokenIsRevokedWhenItsProcessExits) {
    auto t = open();
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(fds[1]);
        char c;
        [[maybe_unused]] auto n = ::read(fds[0], &c, 1);  // until the parent closes its end
        ::_exit(0);
    }
    ::close(fds[0]);
    boost::asio::io_context io;
    ClientBoundTokens bound(io.get_executor(), *t);
    auto exit_fd = platform::process_exit_fd(child);
    ASSERT_TRUE(exit_fd) << exit_fd.error().message;
    auto m = t->mint(role("1", "R"), TokenLifetime{std::nullopt, 100s}, false, "exec", child);
    ASSERT_TRUE(m);
    bound.watch(m->info.id, std::move(*exit_fd));
    io.poll();
    EXPECT_EQ(t->list().size(), 1u);  // alive: still there
    ::close(fds[1]);                  // the child exits
    io.run_for(std::chrono::seconds(10));
    EXPECT_TRUE(t->list().empty());
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    auto reaped = platform::process_exit_fd(child);
    ASSERT_FALSE(reaped);
    EXPECT_EQ(reaped.error().code, ErrorCode::NotFound);
}

TEST_F(TokensTest, RotateMainKillsTheOldValueAndPersists) {
    auto t = open();
    const std::string old = t->main_token().reveal();
    ASSERT_TRUE(t->rotate_main());
    const std::string fresh = t->main_token().reveal();
    EXPECT_NE(fresh, old);
    EXPECT_FALSE(t->authenticate(old));
    ASSERT_TRUE(t->authenticate(fresh));
    EXPECT_TRUE(t->authenticate(fresh)->all_roles);
    auto on_disk = read_file(t->main_token_file());
    ASSERT_TRUE(on_disk);
    EXPECT_EQ(*on_disk, fresh);
    EXPECT_EQ(mode(t->main_token_file()), 0600u);
    EXPECT_EQ(open()->main_token().reveal(), fresh);
}

TEST_F(TokensTest, FileTokensAndRotation) {
    auto t = open();
    auto m = t->mint(role("1", "R"), std::nullopt, true, "container");
    ASSERT_TRUE(m);
    ASSERT_TRUE(m->info.token_file);
    const fs::path f = *m->info.token_file;
    EXPECT_EQ(f, dir / "tokens" / m->info.id / "token");
    EXPECT_EQ(*read_file(f), m->token.reveal());  // no trailing newline
    EXPECT_EQ(mode(f), 0600u);
    for (char c : m->token.reveal()) EXPECT_TRUE(c > 0x20 && c < 0x7f);

    const std::string old_value = m->token.reveal();
    ASSERT_TRUE(t->rotate_files(30s));
    const std::string new_value = *read_file(f);
    EXPECT_NE(new_value, old_value);
    EXPECT_TRUE(t->authenticate(new_value));
    EXPECT_TRUE(t->authenticate(old_value));  // grace
    clock.advance(31s);
    EXPECT_FALSE(t->authenticate(old_value));
    EXPECT_TRUE(t->authenticate(new_value));

    // After a restart the value is read back from the file.
    t.reset();
    t = open();
    EXPECT_TRUE(t->authenticate(new_value));
    ASSERT_TRUE(t->revoke(m->info.id));
    EXPECT_FALSE(fs::exists(f));
    EXPECT_FALSE(fs::exists(f.parent_path()));
}

}  // namespace
}  // namespace ssocred::serve::test
