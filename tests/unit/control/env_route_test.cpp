// POST /v1/env: what `ssocred env` needs in one answer, every refusal before a token exists,
// and a session that needs a login answering as GET /v1/credentials does.
#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ssocred/peer_identity.hpp"

#include "control_fixture.hpp"

namespace ssocred::control_test {
namespace {

class EnvRouteTest : public ControlFixture {
  protected:
    void SetUp() override {
        ControlFixture::SetUp();
        // Nothing listens there: the owner check finds no one to refuse.
        listen_on({{"127.0.0.1", 1}});
    }
    void listen_on(std::vector<serve::HttpEndpoint> http) {
        serve::BoundEndpoints endpoints;
        endpoints.http = std::move(http);
        api->set_endpoints(std::move(endpoints));
    }
    std::size_t token_count() { return call("GET", "/v1/tokens").body["tokens"].size(); }
};

TEST_F(EnvRouteTest, ActiveRoleTokenAndTheEndpointInOneAnswer) {
    auto env = call("POST", "/v1/env", R"({"idle_seconds":3600,"label":"env"})");
    ASSERT_EQ(env.status, 200u) << env.text;
    ASSERT_EQ(env.body["http"].size(), 1u);
    EXPECT_EQ(env.body["http"][0]["address"], "127.0.0.1");
    EXPECT_TRUE(env.body["active"].is_null());  // none yet: the token follows `use`
    EXPECT_EQ(env.body["minted"]["kind"], "active");
    EXPECT_EQ(env.body["minted"]["idle_seconds"], 3600);
    EXPECT_EQ(env.body["minted"]["label"], "env");
    const std::string token = env.body["minted_token"];
    EXPECT_TRUE(token.starts_with("sct_"));
    EXPECT_FALSE(env.body.contains("token"));  // never the main token
    EXPECT_EQ(env.text.find(tokens->main_token().reveal()), std::string::npos);
    auto grant = tokens->authenticate(token);
    ASSERT_TRUE(grant);
    EXPECT_TRUE(grant->active_only);
    EXPECT_EQ(token_count(), 1u);
}

TEST_F(EnvRouteTest, ProfileTokenWithTheProfilesRegion) {
    auto env = call("POST", "/v1/env", R"({"profile":"dev","label":"env --profile dev"})");
    ASSERT_EQ(env.status, 200u) << env.text;
    EXPECT_EQ(env.body["minted"]["kind"], "role");
    EXPECT_EQ(env.body["minted"]["role"]["profile"], "dev");
    EXPECT_EQ(env.body["minted"]["region"], "eu-central-1");
    // No lifetime asked for: the CLI's sliding default, never "no expiry".
    EXPECT_EQ(env.body["minted"]["idle_seconds"], serve::EndpointTokens::kDefaultIdle.count());
    auto grant = tokens->authenticate(env.body["minted_token"].get<std::string>());
    ASSERT_TRUE(grant);
    EXPECT_EQ(grant->role.account_id, "111111111111");
    EXPECT_EQ(grant->role.role_name, "ReadOnly");
}

TEST_F(EnvRouteTest, ContainerTokenIsForTheActiveRoleAndInAFile) {
    listen_on({{"127.0.0.1", 1}, {"169.254.170.2", 1}});
    ASSERT_EQ(call("PUT", "/v1/active", R"({"profile":"ops"})").status, 200u);
    auto env = call("POST", "/v1/env", R"({"container":true,"file":true,"label":"c"})");
    ASSERT_EQ(env.status, 200u) << env.text;
    EXPECT_EQ(env.body["active"]["profile"], "ops");
    EXPECT_EQ(env.body["minted"]["kind"], "role");
    EXPECT_EQ(env.body["minted"]["role"]["account_id"], "222222222222");
    EXPECT_TRUE(env.body["minted"]["active"].get<bool>());
    EXPECT_FALSE(env.body["minted"]["token_file"].is_null());
}

TEST_F(EnvRouteTest, ImdsMintsNothing) {
    auto env = call("POST", "/v1/env", R"({"imds":true})");
    if (tcp_owner_visibility() == TcpOwnerVisibility::None) {
        // The portable layer's IMDS refuses every peer: `env --imds` says so at once
        // instead of printing an endpoint that will not answer.
        EXPECT_EQ(env.status, 403u) << env.text;
        EXPECT_EQ(env.body["code"], "forbidden");
        EXPECT_EQ(token_count(), 0u);
        return;
    }
    ASSERT_EQ(env.status, 200u) << env.text;
    EXPECT_TRUE(env.body["minted"].is_null());
    EXPECT_FALSE(env.body.contains("minted_token"));
    EXPECT_EQ(token_count(), 0u);
}

TEST_F(EnvRouteTest, EveryRefusalComesBeforeAToken) {
    EXPECT_EQ(call("POST", "/v1/env", R"({"imds":true,"profile":"dev"})").status, 400u);
    EXPECT_EQ(call("POST", "/v1/env", R"({"imds":true,"container":true})").status, 400u);
    EXPECT_EQ(call("POST", "/v1/env", R"({"ttl_seconds":1,"idle_seconds":1})").status, 400u);
    EXPECT_EQ(call("POST", "/v1/env", R"({"profile":"no-such-profile"})").status, 404u);
    // --container: no listener containers reach.
    auto c = call("POST", "/v1/env", R"({"profile":"dev","container":true})");
    EXPECT_EQ(c.status, 400u);
    EXPECT_NE(c.body["message"].get<std::string>().find("169.254.170.2"), std::string::npos);
    // --container without --profile needs an active role.
    listen_on({{"127.0.0.1", 1}, {"169.254.170.2", 1}});
    EXPECT_EQ(call("POST", "/v1/env", R"({"container":true})").status, 404u);
    // No loopback listener at all.
    listen_on({});
    EXPECT_EQ(call("POST", "/v1/env", "{}").status, 400u);
    EXPECT_EQ(token_count(), 0u);
}

TEST_F(EnvRouteTest, ASessionThatNeedsALoginAnswersLoginRequiredAndMintsNothing) {
    ASSERT_EQ(call("POST", "/v1/logout", R"({"sso_session":"corp"})").status, 200u);
    auto env = call("POST", "/v1/env", R"({"profile":"dev"})");
    EXPECT_EQ(env.status, 503u) << env.text;
    EXPECT_EQ(env.body["code"], "login_required");
    EXPECT_EQ(env.body["session"], "corp");  // the CLI signs in to it, then asks again
    // As GET /v1/credentials answers.
    auto creds = call("GET", "/v1/credentials?profile=dev");
    EXPECT_EQ(creds.status, env.status);
    EXPECT_EQ(creds.body["code"], env.body["code"]);
    EXPECT_EQ(token_count(), 0u);
}

// A listener the daemon reports but another user holds (the port-squatting check the CLI
// made on GET /v1/endpoint's answer): refused, and no token minted.
TEST_F(EnvRouteTest, AListenerHeldByAnotherUserIsRefused) {
    if (::geteuid() != 0 || tcp_owner_visibility() != TcpOwnerVisibility::AnyUser)
        GTEST_SKIP() << "needs root (to listen as nobody) and a build that sees socket owners";
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(ready[0]);
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(1);
        const int s = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(s, 1) != 0 ||
            ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            ::_exit(1);
        const std::uint16_t port = ntohs(a.sin_port);
        if (::write(ready[1], &port, sizeof port) != sizeof port) ::_exit(1);
        ::pause();
        ::_exit(0);
    }
    ::close(ready[1]);
    std::uint16_t port = 0;
    const bool got = ::read(ready[0], &port, sizeof port) == sizeof port;
    ::close(ready[0]);
    auto reap = [child] {
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
    };
    if (!got) {
        reap();
        FAIL() << "the child could not listen as nobody";
    }
    listen_on({{"127.0.0.1", port}});
    auto env = call("POST", "/v1/env", "{}");
    reap();
    EXPECT_EQ(env.status, 403u) << env.text;
    EXPECT_NE(env.body["message"].get<std::string>().find("nobody"), std::string::npos);
    EXPECT_EQ(token_count(), 0u);
}

TEST_F(ControlFixture, TokenWithoutALifetimeGetsTheSlidingDefault) {
    auto made = call("POST", "/v1/tokens", R"({"profile":"dev"})");
    ASSERT_EQ(made.status, 201u) << made.text;
    EXPECT_EQ(made.body["idle_seconds"], serve::EndpointTokens::kDefaultIdle.count());
    EXPECT_FALSE(made.body["expires_at"].is_null());
}

}  // namespace
}  // namespace ssocred::control_test
