// SessionManager with fake upstream clients, an in-memory store and a manual clock.
#include "sso/session_manager.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "sso/pkce.hpp"
#include "sso/url.hpp"
#include "support/memory_persistence.hpp"

namespace ssocred::sso {
namespace {

using namespace std::chrono_literals;

const SystemTime kStart = from_epoch_seconds(1800000000);

class FakeOidc : public OidcApi {
  public:
    Expected<ClientRegistration> register_client(const RegisterClientRequest& r) override {
        std::lock_guard lock(mu);
        ++registers;
        last_register = r;
        ClientRegistration c;
        c.client_id = "client-" + std::to_string(registers);
        c.client_secret = Secret(std::string("secret"));
        c.expires_at = kStart + 90 * 24h;
        c.grant_types = r.grant_types;
        c.scopes = r.scopes;
        return c;
    }
    Expected<DeviceAuthorization> start_device_authorization(const ClientRegistration&,
                                                             const std::string&) override {
        DeviceAuthorization d;
        d.device_code = Secret(std::string("dc"));
        d.user_code = "ABCD-EFGH";
        d.verification_uri = "https://device.example/";
        d.verification_uri_complete = "https://device.example/?user_code=ABCD-EFGH";
        d.expires_in = 600s;
        d.interval = 1s;
        return d;
    }
    Expected<TokenResponse> create_token_device(const ClientRegistration&, const Secret&) override {
        const int n = ++device_polls;
        if (device_pending_forever || n <= 2) {
            return Error::make(n == 2 ? ErrorCode::SlowDown : ErrorCode::AuthorizationPending,
                               "pending");
        }
        return token("device-access", "device-refresh");
    }
    Expected<TokenResponse> create_token_refresh(const ClientRegistration&,
                                                 const Secret& rt) override {
        {
            std::lock_guard lock(mu);
            ++refreshes;
            last_refresh_token = rt.reveal();
        }
        if (refresh_delay.count() > 0) std::this_thread::sleep_for(refresh_delay);
        if (refresh_error) return *refresh_error;
        return token("access-" + std::to_string(refreshes.load()),
                     refresh_returns_token ? "rotated" : "");
    }
    Expected<TokenResponse> create_token_auth_code(const ClientRegistration&, const Secret& code,
                                                   const std::string& redirect_uri,
                                                   const Secret& verifier) override {
        std::lock_guard lock(mu);
        auth_code = code.reveal();
        auth_redirect = redirect_uri;
        auth_verifier = verifier.reveal();
        return token("pkce-access", "pkce-refresh");
    }
    std::string authorize_origin() const override { return "https://oidc.example"; }
    std::optional<std::chrono::seconds> clock_skew() const override { return 3s; }

    static TokenResponse token(std::string access, std::string refresh) {
        TokenResponse t;
        t.access_token = Secret(std::move(access));
        t.refresh_token = Secret(std::move(refresh));
        t.expires_in = 3600s;
        return t;
    }

    std::mutex mu;
    std::atomic<int> registers{0}, refreshes{0}, device_polls{0};
    RegisterClientRequest last_register;
    std::string last_refresh_token, auth_code, auth_redirect, auth_verifier;
    std::chrono::milliseconds refresh_delay{0};
    std::optional<Error> refresh_error;
    bool refresh_returns_token = false;
    std::atomic<bool> device_pending_forever{false};
};

class FakePortal : public PortalApi {
  public:
    Expected<RoleCredentials> get_role_credentials(const Secret& token, const std::string& account,
                                                   const std::string& role) override {
        {
            std::lock_guard lock(mu);
            tokens_seen.push_back(token.reveal());
        }
        if (unauthorized_left.fetch_sub(1) > 0) return Error::make(ErrorCode::Unauthorized, "401");
        RoleCredentials c;
        c.role = RoleRef{account, role, ""};
        c.access_key_id = "AKIA";
        c.secret_access_key = Secret(std::string("sk"));
        c.session_token = Secret(std::string("st"));
        c.expiration = kStart + 1h;
        return c;
    }
    Expected<std::vector<PortalAccount>> list_accounts(const Secret&) override {
        ++account_calls;
        return std::vector<PortalAccount>{{"111111111111", "dev", "d@x"},
                                          {"222222222222", "prod", "p@x"}};
    }
    Expected<std::vector<std::string>> list_account_roles(const Secret&,
                                                          const std::string& a) override {
        if (a == "111111111111") return std::vector<std::string>{"ReadOnly", "Admin"};
        return std::vector<std::string>{"Admin"};
    }
    Status logout(const Secret&) override {
        ++logouts;
        return ok();
    }
    std::optional<std::chrono::seconds> clock_skew() const override { return std::nullopt; }

    std::mutex mu;
    std::vector<std::string> tokens_seen;
    std::atomic<int> unauthorized_left{0}, account_calls{0}, logouts{0};
};

using test::MemoryPersistence;

constexpr const char* kConfig = R"([sso-session corp]
sso_start_url = https://d-corp.awsapps.com/start
sso_region = us-east-1
[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Dev
)";

config::EnvLookup no_env() {
    return [](const char*) -> std::optional<std::string> { return std::nullopt; };
}

TokenState make_token(SystemTime issued, std::chrono::seconds life, std::string refresh = "rt") {
    TokenState t;
    t.session = "corp";
    t.start_url = "https://d-corp.awsapps.com/start";
    t.region = "us-east-1";
    t.access_token = Secret(std::string("initial"));
    t.issued_at = issued;
    t.access_token_expires_at = issued + life;
    t.refresh_token = Secret(std::move(refresh));
    ClientRegistration reg;
    reg.client_id = "client-0";
    reg.client_secret = Secret(std::string("secret"));
    reg.expires_at = issued + 90 * 24h;
    t.registration = std::move(reg);
    return t;
}

class Manager : public ::testing::Test {
  protected:
    void SetUp() override {
        oidc = std::make_shared<FakeOidc>();
        portal = std::make_shared<FakePortal>();
        SessionManagerOptions opts;
        opts.login_time_scale = 0.001;
        manager = std::make_unique<SessionManager>(
            clock, store,
            [this](const SessionEndpoints& ep) {
                endpoints = ep;
                return SsoClients{oidc, portal};
            },
            opts);
        auto cfg = config::parse_aws_config(kConfig, "config");
        ASSERT_TRUE(cfg);
        auto w = manager->reload_config(*cfg, "", no_env());
        ASSERT_TRUE(w);
        EXPECT_TRUE(w->empty());
    }
    void TearDown() override { manager.reset(); }

    SessionStatus status() { return manager->status().at(0); }

    ManualClock clock{kStart};
    MemoryPersistence store;
    std::shared_ptr<FakeOidc> oidc;
    std::shared_ptr<FakePortal> portal;
    SessionEndpoints endpoints;
    std::unique_ptr<SessionManager> manager;
};

TEST(RenewalPolicy, Windows) {
    EXPECT_EQ(refresh_window(3600s), 1200s);      // a third of an hour
    EXPECT_EQ(refresh_window(8 * 3600s), 9600s);  // a third of 8 h
    EXPECT_EQ(refresh_window(1800s), 900s);       // 15 min floor
    EXPECT_EQ(refresh_window(600s), 300s);        // half-life cap for short tokens
    EXPECT_EQ(compute_refresh_at(kStart, kStart + 1h, 0.0), kStart + 40min);
    EXPECT_EQ(compute_refresh_at(kStart, kStart + 1h, 1.0), kStart + 36min);  // jitter <= window/5
    EXPECT_EQ(compute_refresh_at(kStart, kStart + 8h, 1.0), kStart + 8h - 9600s - 5min);
}

TEST_F(Manager, EndpointsAndSessions) {
    EXPECT_EQ(endpoints.oidc.origin(), "https://oidc.us-east-1.amazonaws.com");
    EXPECT_EQ(endpoints.portal.origin(), "https://portal.sso.us-east-1.amazonaws.com");
    EXPECT_EQ(manager->session_names(), std::vector<std::string>{"corp"});
    EXPECT_EQ(*manager->resolve_session(""), "corp");
    EXPECT_EQ(manager->resolve_session("nope").error().code, ErrorCode::NotFound);
    EXPECT_EQ(status().state, "logged_out");
    auto f = manager->fetch(RoleRef{"1", "r", ""});
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error().code, ErrorCode::LoginRequired);
}

TEST_F(Manager, RenewsWhenDueKeepingTheRefreshToken) {
    ASSERT_TRUE(*manager->import_token(make_token(kStart, 1h)));
    auto next = manager->refresh_due_sessions();
    ASSERT_TRUE(next);
    EXPECT_GE(*next, kStart + 36min);
    EXPECT_LE(*next, kStart + 40min);
    EXPECT_EQ(oidc->refreshes, 0);
    EXPECT_EQ(status().state, "logged_in");
    EXPECT_EQ(status().next_refresh_at, next);

    clock.advance(35min);
    auto f = manager->fetch(RoleRef{"111111111111", "Dev", ""});
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(f->role.session, "corp");
    EXPECT_EQ(oidc->refreshes, 0);

    clock.advance(6min);
    manager->refresh_due_sessions();
    EXPECT_EQ(oidc->refreshes, 1);
    EXPECT_EQ(oidc->last_refresh_token, "rt");
    auto st = status();
    EXPECT_EQ(st.access_token_expires_at, kStart + 41min + 1h);
    EXPECT_TRUE(st.refresh_token);  // upstream sent none: the old one is kept
    EXPECT_EQ(st.clock_skew_seconds, 3);
    EXPECT_EQ(store.tokens.at("corp").access_token.reveal(), "access-1");
    EXPECT_EQ(store.tokens.at("corp").refresh_token.reveal(), "rt");

    clock.advance(41min);
    manager->refresh_due_sessions();
    EXPECT_EQ(oidc->refreshes, 2);
    EXPECT_EQ(oidc->last_refresh_token, "rt");
}

TEST_F(Manager, ConcurrentCallersShareOneRefresh) {
    ASSERT_TRUE(*manager->import_token(make_token(kStart, 1h)));
    clock.advance(50min);  // due, still valid
    oidc->refresh_delay = 200ms;
    std::vector<std::thread> threads;
    std::atomic<int> ok_count{0};
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&] {
            if (manager->fetch(RoleRef{"111111111111", "Dev", "corp"})) ++ok_count;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok_count, 8);
    EXPECT_EQ(oidc->refreshes, 1);
}

// A renewal whose save waits behind another save (a slow disk) must not write the token it
// renewed when a newer one arrived meanwhile: what is on disk at the end is what is in
// memory. (It used to save the copy it took before waiting: the older token, written last.)
TEST_F(Manager, ASaveWaitingBehindAnotherWritesTheNewestToken) {
    ASSERT_TRUE(*manager->import_token(make_token(kStart, 1h)));
    store.hold_next_save = true;
    std::thread slow_save([&] { EXPECT_TRUE(manager->rewrite_token("corp")); });
    store.wait_until_holding();

    clock.advance(50min);  // due: the next fetch renews
    std::thread renewal([&] { EXPECT_TRUE(manager->fetch(RoleRef{"111111111111", "Dev", ""})); });
    while (status().access_token_expires_at != kStart + 50min + 1h)  // renewed in memory
        std::this_thread::yield();
    // Meanwhile another tool's newer login arrives (an import is not saved by itself).
    TokenState newer = make_token(kStart + 51min, 8h);
    newer.access_token = Secret(std::string("imported"));
    ASSERT_TRUE(*manager->import_token(std::move(newer)));

    store.release();
    slow_save.join();
    renewal.join();
    std::lock_guard lock(store.mu);
    EXPECT_EQ(store.tokens.at("corp").access_token.reveal(), "imported");
    EXPECT_EQ(store.tokens.at("corp").access_token_expires_at, kStart + 51min + 8h);
}

// A logout while a save waits: the token is not written back after the logout erased it.
TEST_F(Manager, ALogoutIsNotUndoneByASaveThatWaited) {
    ASSERT_TRUE(*manager->import_token(make_token(kStart, 1h)));
    store.hold_next_save = true;
    std::thread slow_save([&] { EXPECT_TRUE(manager->rewrite_token("corp")); });
    store.wait_until_holding();

    clock.advance(50min);
    std::thread renewal([&] { (void)manager->fetch(RoleRef{"111111111111", "Dev", ""}); });
    while (status().access_token_expires_at != kStart + 50min + 1h) std::this_thread::yield();
    std::thread logout([&] { EXPECT_TRUE(manager->logout("corp", false)); });
    while (status().state != "logged_out") std::this_thread::yield();

    store.release();
    slow_save.join();
    renewal.join();
    logout.join();
    std::lock_guard lock(store.mu);
    EXPECT_EQ(store.tokens.count("corp"), 0u);
}

TEST_F(Manager, ExpiredTokenConcurrentCallersShareOneRefresh) {
    ASSERT_TRUE(*manager->import_token(make_token(kStart, 1h)));
    clock.advance(2h);  // expired: everybody must wait for the renewal
    oidc->refresh_delay = 100ms;
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i) {
        threads.emplace_back([&] { EXPECT_TRUE(manager->fetch(RoleRef{"1", "r", ""})); });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(oidc->refreshes, 1);
    for (const auto& tok : portal->tokens_seen) EXPECT_EQ(tok, "access-1");
}

TEST_F(Manager, UnauthorizedRefreshesOnceAndRetries) {
    ASSERT_TRUE(*manager->import_token(make_token(kStart, 1h)));
    portal->unauthorized_left = 1;
    auto f = manager->fetch(RoleRef{"1", "r", ""});
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(oidc->refreshes, 1);
    ASSERT_EQ(portal->tokens_seen.size(), 2u);
    EXPECT_EQ(portal->tokens_seen[0], "initial");
    EXPECT_EQ(portal->tokens_seen[1], "access-1");

    portal->unauthorized_left = 2;  // still rejected after the refresh: a person must log in
    auto g = manager->fetch(RoleRef{"1", "r", ""});
    ASSERT_FALSE(g);
    EXPECT_EQ(g.error().code, ErrorCode::LoginRequired);
    EXPECT_EQ(oidc->refreshes, 2);
}

TEST_F(Manager, InvalidGrantMeansLoginRequiredAndNoMoreAttempts) {
    ASSERT_TRUE(*manager->import_token(make_token(kStart, 1h)));
    oidc->refresh_error =
        Error::make(ErrorCode::InvalidGrant, "CreateToken failed: InvalidGrantException");
    clock.advance(2h);
    auto f = manager->fetch(RoleRef{"1", "r", ""});
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error().code, ErrorCode::LoginRequired);
    EXPECT_EQ(status().state, "login_required");
    EXPECT_TRUE(store.tokens.at("corp").login_required);
    EXPECT_FALSE(manager->refresh_due_sessions());
    EXPECT_FALSE(manager->fetch(RoleRef{"1", "r", ""}));
    EXPECT_EQ(oidc->refreshes, 1);
    EXPECT_NE(f.error().message.find("ssocred login"), std::string::npos);
}

TEST_F(Manager, TransientRefreshFailureBacksOffAndKeepsTheToken) {
    ASSERT_TRUE(*manager->import_token(make_token(kStart, 1h)));
    oidc->refresh_error = Error::make(ErrorCode::UpstreamFault, "CreateToken failed: HTTP 500");
    clock.advance(45min);
    auto f = manager->fetch(RoleRef{"1", "r", ""});
    ASSERT_TRUE(f) << f.error().message;  // the old token is still good
    EXPECT_EQ(oidc->refreshes, 1);
    ASSERT_TRUE(manager->fetch(RoleRef{"1", "r", ""}));
    EXPECT_EQ(oidc->refreshes, 1);  // backing off
    auto st = status();
    ASSERT_TRUE(st.last_error);
    EXPECT_EQ(st.state, "logged_in");
    ASSERT_TRUE(st.next_refresh_at);
    EXPECT_GT(*st.next_refresh_at, clock.now());
    EXPECT_LE(*st.next_refresh_at, clock.now() + 10s);
    clock.advance(11s);
    oidc->refresh_error.reset();
    manager->refresh_due_sessions();
    EXPECT_EQ(oidc->refreshes, 2);
    EXPECT_FALSE(status().last_error);
}

TEST_F(Manager, NonRefreshableExpiredTokenNeedsLogin) {
    ASSERT_TRUE(*manager->import_token(make_token(kStart, 1h, "")));
    ASSERT_TRUE(manager->fetch(RoleRef{"1", "r", ""}));
    clock.advance(2h);
    EXPECT_EQ(manager->fetch(RoleRef{"1", "r", ""}).error().code, ErrorCode::LoginRequired);
    EXPECT_EQ(status().state, "login_required");
    EXPECT_EQ(oidc->refreshes, 0);
}

TEST_F(Manager, ImportKeepsTheNewerToken) {
    ASSERT_TRUE(*manager->import_token(make_token(kStart, 1h)));
    EXPECT_FALSE(*manager->import_token(make_token(kStart - 1min, 1h)));
    auto newer = make_token(kStart + 1min, 1h, "");
    newer.access_token = Secret(std::string("from-cli"));
    EXPECT_TRUE(*manager->import_token(std::move(newer)));
    ASSERT_TRUE(manager->fetch(RoleRef{"1", "r", ""}));
    EXPECT_EQ(portal->tokens_seen.back(), "from-cli");
    EXPECT_TRUE(status().refresh_token);  // kept from the older state
}

TEST_F(Manager, AccountsAreCachedForFiveMinutes) {
    ASSERT_TRUE(*manager->import_token(make_token(kStart, 1h)));
    auto a = manager->list_accounts("", false);
    ASSERT_TRUE(a) << a.error().message;
    ASSERT_EQ(a->accounts.size(), 2u);
    EXPECT_EQ(a->accounts[0].roles, (std::vector<std::string>{"Admin", "ReadOnly"}));
    ASSERT_TRUE(manager->list_accounts("corp", false));
    EXPECT_EQ(portal->account_calls, 1);
    ASSERT_TRUE(manager->list_accounts("corp", true));
    EXPECT_EQ(portal->account_calls, 2);
    clock.advance(6min);
    ASSERT_TRUE(manager->list_accounts("corp", false));
    EXPECT_EQ(portal->account_calls, 3);
}

TEST_F(Manager, LogoutIsIdempotent) {
    ASSERT_TRUE(*manager->import_token(make_token(kStart, 1h)));
    auto out = manager->logout("", false);
    ASSERT_TRUE(out);
    EXPECT_EQ(*out, std::vector<std::string>{"corp"});
    EXPECT_EQ(portal->logouts, 1);
    EXPECT_EQ(status().state, "logged_out");
    ASSERT_TRUE(manager->logout("", true));
    EXPECT_EQ(portal->logouts, 1);
    EXPECT_EQ(store.erases, 2);
}

LoginProgress wait_done(SessionManager& m, const std::string& id) {
    LoginProgress p = *m.login(id);
    for (int i = 0; i < 100 && p.state == LoginState::Pending; ++i) {
        p = *m.wait_login(id, p.version, 100ms);
    }
    return p;
}

TEST_F(Manager, DeviceCodeLogin) {
    LoginOptions o;
    o.use_device_code = true;
    auto start = manager->start_login(o);
    ASSERT_TRUE(start) << start.error().message;
    EXPECT_FALSE(start->joined);
    EXPECT_EQ(start->progress.flow, LoginFlow::DeviceCode);
    auto done = wait_done(*manager, start->progress.id);
    EXPECT_EQ(done.state, LoginState::Succeeded) << done.error;
    EXPECT_EQ(done.url, "https://device.example/?user_code=ABCD-EFGH");
    EXPECT_EQ(done.user_code, "ABCD-EFGH");
    EXPECT_EQ(done.access_token_expires_at, kStart + 1h);
    EXPECT_EQ(oidc->device_polls, 3);
    EXPECT_TRUE(oidc->last_register.grant_types.empty());
    EXPECT_EQ(status().state, "logged_in");
    EXPECT_EQ(store.tokens.at("corp").refresh_token.reveal(), "device-refresh");
    EXPECT_EQ(store.tokens.at("corp").registration->client_id, "client-1");

    // A second device login reuses the cached registration.
    ASSERT_TRUE(manager->start_login(o));
    EXPECT_EQ(oidc->registers, 1);
}

TEST_F(Manager, LoginJoinAndCancel) {
    oidc->device_pending_forever = true;
    LoginOptions o;
    o.use_device_code = true;
    auto first = manager->start_login(o);
    ASSERT_TRUE(first);
    auto second = manager->start_login(o);
    ASSERT_TRUE(second);
    EXPECT_TRUE(second->joined);
    EXPECT_EQ(second->progress.id, first->progress.id);
    EXPECT_EQ(status().state, "login_in_progress");
    auto c = manager->cancel_login(first->progress.id);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->state, LoginState::Cancelled);
    EXPECT_EQ(manager->login("nope").error().code, ErrorCode::NotFound);
}

TEST_F(Manager, PkceLoginThroughTheLoopbackListener) {
    auto start = manager->start_login(LoginOptions{});
    ASSERT_TRUE(start) << start.error().message;
    const LoginProgress p = start->progress;
    EXPECT_EQ(p.flow, LoginFlow::AuthorizationCode);
    ASSERT_TRUE(
        p.url.starts_with("https://oidc.example/authorize?response_type=code&client_id=client-1&"))
        << p.url;
    EXPECT_EQ(oidc->last_register.grant_types,
              (std::vector<std::string>{"authorization_code", "refresh_token"}));
    EXPECT_EQ(oidc->last_register.redirect_uris,
              std::vector<std::string>{"http://127.0.0.1/oauth/callback"});
    EXPECT_EQ(oidc->last_register.issuer_url, "https://d-corp.awsapps.com/start");
    EXPECT_EQ(oidc->last_register.scopes, std::vector<std::string>{"sso:account:access"});

    auto param = [&](const std::string& name) {
        const auto at = p.url.find("&" + name + "=");
        const auto begin = at + name.size() + 2;
        return percent_decode_lenient(p.url.substr(begin, p.url.find('&', begin) - begin));
    };
    const std::string redirect = param("redirect_uri");
    const std::string state = param("state");
    ASSERT_TRUE(redirect.starts_with("http://127.0.0.1:")) << redirect;
    const int port = std::stoi(redirect.substr(17));
    httplib::Client browser("127.0.0.1", port);
    EXPECT_EQ(browser.Get("/other?code=x&state=" + state)->status, 404);
    EXPECT_EQ(browser.Post("/oauth/callback", "", "text/plain")->status, 404);
    EXPECT_EQ(browser.Get("/oauth/callback?code=x&state=wrong")->status, 400);
    EXPECT_EQ(manager->login(p.id)->state, LoginState::Pending);
    auto ok_res = browser.Get("/oauth/callback?code=the%20code&state=" + state);
    ASSERT_TRUE(ok_res);
    EXPECT_EQ(ok_res->status, 200);

    auto done = wait_done(*manager, p.id);
    EXPECT_EQ(done.state, LoginState::Succeeded) << done.error;
    EXPECT_EQ(oidc->auth_code, "the code");
    EXPECT_EQ(oidc->auth_redirect, redirect);
    ASSERT_EQ(oidc->auth_verifier.size(), 64u);
    EXPECT_EQ(param("code_challenge").size(), 43u);
    EXPECT_EQ(code_challenge_s256(Secret(oidc->auth_verifier)), p.url.substr(p.url.rfind('=') + 1));
    EXPECT_EQ(status().state, "logged_in");
    // The listener is closed once the login ends.
    httplib::Client again("127.0.0.1", port);
    again.set_connection_timeout(1);
    EXPECT_FALSE(again.Get("/oauth/callback"));
}

TEST_F(Manager, LearnsTheSessionLengthFromTheRefusalAndPredictsTheNextEnd) {
    ASSERT_TRUE(*manager->import_token(make_token(kStart, 1h)));  // a session starts
    EXPECT_EQ(status().session_started_at, kStart);
    EXPECT_FALSE(status().session_ends_at);  // no length known yet
    EXPECT_FALSE(status().session_length_source);
    oidc->refresh_error = Error::make(ErrorCode::InvalidGrant, "CreateToken failed");
    clock.advance(8h);
    EXPECT_FALSE(manager->fetch(RoleRef{"1", "r", ""}));
    auto st = status();
    EXPECT_EQ(st.state, "login_required");
    // Nothing stale: no token expiry, no renewal, no start or end of an ended session.
    EXPECT_FALSE(st.access_token_expires_at);
    EXPECT_FALSE(st.next_refresh_at);
    EXPECT_FALSE(st.session_started_at);
    EXPECT_FALSE(st.session_ends_at);
    EXPECT_EQ(st.session_length, std::chrono::seconds(8h));
    EXPECT_EQ(st.session_length_source, SessionLengthSource::Learned);
    EXPECT_EQ(store.tokens.at("corp").learned_session_length, std::chrono::seconds(8h));
    EXPECT_TRUE(st.last_error);

    // A new login (here: by another tool) starts the next session; its end is predicted,
    // and the old error is gone.
    clock.advance(1h);
    oidc->refresh_error.reset();
    ASSERT_TRUE(*manager->import_token(make_token(clock.now(), 1h)));
    st = status();
    EXPECT_EQ(st.state, "logged_in");
    EXPECT_EQ(st.session_started_at, clock.now());
    EXPECT_EQ(st.session_ends_at, clock.now() + 8h);
    EXPECT_FALSE(st.last_error);
}

TEST_F(Manager, TheConfiguredSessionLengthWins) {
    // The keys belong to the [sso-session]: insert them there.
    auto text = std::string(kConfig);
    text.insert(text.find("[profile dev]"),
                "ssocred_session_duration = 2h\nssocred_notify_before = 5m\n");
    auto cfg = config::parse_aws_config(text, "config");
    ASSERT_TRUE(cfg);
    ASSERT_TRUE(manager->reload_config(*cfg, "", no_env()));
    auto t = make_token(kStart, 1h);
    t.learned_session_length = 8h;
    ASSERT_TRUE(*manager->import_token(std::move(t)));
    const auto st = status();
    EXPECT_EQ(st.session_length_source, SessionLengthSource::Configured);
    EXPECT_EQ(st.session_ends_at, kStart + 2h);
    EXPECT_EQ(st.notify_before, std::chrono::seconds(5min));
}

}  // namespace
}  // namespace ssocred::sso
