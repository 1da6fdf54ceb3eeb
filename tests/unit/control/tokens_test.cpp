// Endpoint tokens through the control API: create, list, revoke, and tokens bound to the
// client process (revoked when it exits).
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

#include "control_fixture.hpp"

namespace ssocred::control_test {
namespace {

bool listed(const Answer& list, const std::string& id) {
    for (const auto& t : list.body["tokens"])
        if (t["id"] == id) return true;
    return false;
}

TEST_F(ControlFixture, TokenCreateListRevoke) {
    auto made = call("POST", "/v1/tokens", R"({"profile":"dev","ttl_seconds":600,"label":"ci"})");
    ASSERT_EQ(made.status, 201u) << made.text;
    const std::string id = made.body["id"];
    const std::string token = made.body["token"];
    EXPECT_FALSE(token.empty());
    EXPECT_EQ(made.body["kind"], "role");
    EXPECT_EQ(made.body["role"]["profile"], "dev");
    EXPECT_EQ(made.body["region"], "eu-central-1");  // the profile's own region
    EXPECT_FALSE(made.body["active"].get<bool>());
    EXPECT_EQ(made.body["label"], "ci");
    EXPECT_FALSE(made.body["expires_at"].is_null());

    auto list = call("GET", "/v1/tokens");
    ASSERT_EQ(list.status, 200u);
    EXPECT_TRUE(listed(list, id));
    EXPECT_EQ(list.text.find(token), std::string::npos);  // a listing never shows a token

    auto revoked = call("DELETE", "/v1/tokens/" + id);
    ASSERT_EQ(revoked.status, 200u) << revoked.text;
    EXPECT_EQ(revoked.body["revoked"], id);
    EXPECT_FALSE(listed(call("GET", "/v1/tokens"), id));
    EXPECT_EQ(call("DELETE", "/v1/tokens/" + id).status, 404u);
}

TEST_F(ControlFixture, ActiveRoleTokenSlidesByDefault) {
    auto made = call("POST", "/v1/tokens", R"({"active":true})");
    ASSERT_EQ(made.status, 201u) << made.text;
    EXPECT_EQ(made.body["kind"], "active");
    EXPECT_TRUE(made.body["role"].is_null());
    EXPECT_EQ(made.body["idle_seconds"], serve::EndpointTokens::kDefaultIdle.count());
}

TEST_F(ControlFixture, TokenLifetimeMustBeOneOfTtlOrIdle) {
    EXPECT_EQ(call("POST", "/v1/tokens", R"({"profile":"dev","ttl_seconds":60,"idle_seconds":60})")
                  .status,
              400u);
    EXPECT_EQ(call("POST", "/v1/tokens", R"({"profile":"dev","ttl_seconds":-1})").status, 400u);
    EXPECT_EQ(call("POST", "/v1/tokens", R"({"profile":"dev","ttl_seconds":"60"})").status, 400u);
    EXPECT_EQ(call("POST", "/v1/tokens", R"({"profile":"no-such-profile"})").status, 404u);
    EXPECT_TRUE(call("GET", "/v1/tokens").body["tokens"].empty());
}

TEST_F(ControlFixture, BindToClientNeedsAKnownPeer) {
    EXPECT_EQ(call("POST", "/v1/tokens", R"({"active":true,"bind_to_client":true})").status, 400u);
}

TEST_F(ControlFixture, TokenBoundToAProcessIsRevokedWhenItExits) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::pause();  // until killed
        ::_exit(0);
    }
    auto made = call("POST", "/v1/tokens", R"({"active":true,"bind_to_client":true})", child);
    ASSERT_EQ(made.status, 201u) << made.text;
    const std::string id = made.body["id"];
    EXPECT_EQ(made.body["bound_pid"], child);
    EXPECT_TRUE(listed(call("GET", "/v1/tokens"), id));

    ASSERT_EQ(::kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    // The exit is seen on the loop; the token goes with it.
    run_until([&] { return !listed(call("GET", "/v1/tokens"), id); });
    EXPECT_FALSE(listed(call("GET", "/v1/tokens"), id));
}

TEST_F(ControlFixture, TokenForAProcessAlreadyGoneIsRefused) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) ::_exit(0);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);  // exited and reaped
    auto a = call("POST", "/v1/tokens", R"({"active":true,"bind_to_client":true})", child);
    EXPECT_EQ(a.status, 404u) << a.text;
    EXPECT_TRUE(call("GET", "/v1/tokens").body["tokens"].empty());
}

TEST_F(ControlFixture, RotateMainToken) {
    const std::string before = tokens->main_token().reveal();
    auto a = call("POST", "/v1/tokens/main/rotate");
    ASSERT_EQ(a.status, 200u) << a.text;
    EXPECT_EQ(a.body["rotated"], "main");
    EXPECT_NE(tokens->main_token().reveal(), before);
}

}  // namespace
}  // namespace ssocred::control_test
