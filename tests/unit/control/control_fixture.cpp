#include "control_fixture.hpp"

#include <boost/asio/post.hpp>

namespace ssocred::control_test {

using namespace std::chrono_literals;

namespace {

constexpr const char* kConfig = R"([sso-session corp]
sso_start_url = https://d-corp.awsapps.com/start
sso_region = us-east-1
[sso-session lab]
sso_start_url = https://d-lab.awsapps.com/start
sso_region = eu-west-1
[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = ReadOnly
region = eu-central-1
[profile ops]
sso_session = corp
sso_account_id = 222222222222
sso_role_name = Admin
[profile unassigned]
sso_session = corp
sso_account_id = 333333333333
sso_role_name = Nobody
)";

sso::TokenResponse token_response(std::string access, std::string refresh) {
    sso::TokenResponse t;
    t.access_token = Secret(std::move(access));
    t.refresh_token = Secret(std::move(refresh));
    t.expires_in = 8h;
    return t;
}

// A token for `corp` as a login would have left it.
TokenState corp_token(SystemTime now) {
    TokenState t;
    t.session = "corp";
    t.start_url = "https://d-corp.awsapps.com/start";
    t.region = "us-east-1";
    t.access_token = Secret(std::string("corp-access"));
    t.issued_at = now;
    t.access_token_expires_at = now + 8h;
    t.refresh_token = Secret(std::string("corp-refresh"));
    ClientRegistration reg;
    reg.client_id = "client-0";
    reg.client_secret = Secret(std::string("client-secret"));
    reg.expires_at = now + 90 * 24h;
    t.registration = std::move(reg);
    return t;
}

}  // namespace

Expected<ClientRegistration> FakeOidc::register_client(const sso::RegisterClientRequest& r) {
    ClientRegistration c;
    c.client_id = "client-1";
    c.client_secret = Secret(std::string("client-secret"));
    c.expires_at = std::chrono::system_clock::now() + 90 * 24h;
    c.grant_types = r.grant_types;
    c.scopes = r.scopes;
    return c;
}

Expected<sso::DeviceAuthorization> FakeOidc::start_device_authorization(const ClientRegistration&,
                                                                        const std::string&) {
    sso::DeviceAuthorization d;
    d.device_code = Secret(std::string("device-code"));
    d.user_code = "ABCD-EFGH";
    d.verification_uri = "https://device.example/";
    d.verification_uri_complete = "https://device.example/?user_code=ABCD-EFGH";
    d.expires_in = 24h;  // the login time scale makes this 86 s: no test outlives it
    d.interval = 1s;
    return d;
}

Expected<sso::TokenResponse> FakeOidc::create_token_device(const ClientRegistration&,
                                                           const Secret&) {
    if (device_pending) return Error::make(ErrorCode::AuthorizationPending, "pending");
    return token_response("device-access", "device-refresh");
}

Expected<sso::TokenResponse> FakeOidc::create_token_refresh(const ClientRegistration&,
                                                            const Secret&) {
    return token_response("refreshed-access", "");
}

Expected<sso::TokenResponse> FakeOidc::create_token_auth_code(const ClientRegistration&,
                                                              const Secret&, const std::string&,
                                                              const Secret&) {
    return token_response("pkce-access", "pkce-refresh");
}

Expected<RoleCredentials> FakePortal::get_role_credentials(const Secret&,
                                                           const std::string& account,
                                                           const std::string& role) {
    RoleCredentials c;
    c.role = RoleRef{account, role, ""};
    c.access_key_id = "ASIAFAKE";
    c.secret_access_key = Secret(std::string("fake-secret-key"));
    c.session_token = Secret(std::string("fake-session-token"));
    c.expiration = clock_.now() + 1h;
    return c;
}

Expected<std::vector<sso::PortalAccount>> FakePortal::list_accounts(const Secret&) {
    return std::vector<sso::PortalAccount>{{"111111111111", "dev", "d@example.com"},
                                           {"222222222222", "prod", "p@example.com"}};
}

Expected<std::vector<std::string>> FakePortal::list_account_roles(const Secret&,
                                                                  const std::string& account) {
    if (account == "111111111111") return std::vector<std::string>{"ReadOnly", "Admin"};
    return std::vector<std::string>{"Admin"};
}

std::string Answer::header(const std::string& name) const {
    for (const auto& [n, v] : headers)
        if (n == name) return v;
    return {};
}

bool Call::answered() const {
    std::lock_guard lock(mu);
    return result.has_value();
}

Answer Call::answer() const {
    std::lock_guard lock(mu);
    return result.value();
}

void ControlFixture::SetUp() {
    auto config = config::parse_aws_config(kConfig, "config");
    ASSERT_TRUE(config) << config.error().message;
    profiles.replace(std::make_shared<const config::AwsConfig>(std::move(*config)), clock.now());
    store.tokens["corp"] = corp_token(clock.now());

    sso::SessionManagerOptions options;
    options.login_time_scale = 0.001;  // device-flow polls every millisecond
    sessions = std::make_unique<sso::SessionManager>(
        clock, store,
        [this](const sso::SessionEndpoints&) {
            return sso::SsoClients{oidc, portal};
        },
        options);
    const auto no_env = [](const char*) -> std::optional<std::string> { return std::nullopt; };
    auto warnings = sessions->reload_config(profiles.config(), "", no_env);
    ASSERT_TRUE(warnings) << warnings.error().message;

    auto opened = serve::EndpointTokens::open(dir / "state", clock);
    ASSERT_TRUE(opened) << opened.error().message;
    tokens = std::move(*opened);
    engine = std::make_unique<CredentialEngine>(io.get_executor(), pool.get_executor(), *sessions,
                                                clock, EngineOptions{}, profiles, dir / "state");
    api = std::make_unique<ControlApi>(
        ControlContext{io.get_executor(), pool.get_executor(), *sessions, *engine, *tokens, metrics,
                       profiles, dir / "state", "off", clock.now(), "hand"});
}

void ControlFixture::TearDown() {
    // Blocking work still running finishes first (it posts back to the loop, which runs
    // once more while everything it may touch is alive); logins end with the manager.
    pool.join();
    io.restart();
    io.poll();
    api.reset();
    engine.reset();
    sessions.reset();
    io.restart();
    io.poll();
}

std::shared_ptr<Call> ControlFixture::send(const std::string& method, const std::string& target,
                                           const std::string& body,
                                           std::optional<long long> peer_pid) {
    auto call = std::make_shared<Call>();
    call->method = method;
    call->target = target;
    const auto q = target.find('?');
    call->path = target.substr(0, q);
    call->query = q == std::string::npos ? "" : target.substr(q + 1);
    call->body = body;
    serve::Request request;
    request.method = call->method;
    request.target = call->target;
    request.path = call->path;
    request.query = call->query;
    request.body = call->body;
    request.peer_pid = peer_pid;
    api->handle(request, [call](serve::Response response) {
        Answer a;
        a.status = response.status;
        a.text = response.secret_body ? *response.secret_body : response.body;
        a.body = nlohmann::json::parse(a.text, nullptr, false);
        if (a.body.is_discarded()) a.body = nullptr;
        a.headers = response.headers;
        std::lock_guard lock(call->mu);
        call->result = std::move(a);
    });
    return call;
}

Answer ControlFixture::call(const std::string& method, const std::string& target,
                            const std::string& body, std::optional<long long> peer_pid) {
    auto c = send(method, target, body, peer_pid);
    run_until([&] { return c->answered(); });
    return c->answered() ? c->answer() : Answer{};
}

void ControlFixture::run_until(const std::function<bool()>& done) {
    const auto guard = std::chrono::steady_clock::now() + 20s;
    while (!done()) {
        if (std::chrono::steady_clock::now() > guard) {
            ADD_FAILURE() << "not done within 20 s";
            return;
        }
        io.restart();
        io.run_for(5ms);
    }
}

}  // namespace ssocred::control_test
