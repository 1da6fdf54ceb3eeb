// The JSON shapes of the control API (control/control_json.hpp).
#include "control/control_json.hpp"

#include <gtest/gtest.h>

namespace ssocred::control_json {
namespace {

using nlohmann::json;

const SystemTime kT = from_epoch_seconds(1800000000);  // 2027-01-15T08:00:00Z

TEST(ControlJson, TimeOrNull) {
    EXPECT_EQ(time_or_null(kT), json("2027-01-15T08:00:00Z"));
    EXPECT_TRUE(time_or_null(std::nullopt).is_null());
}

TEST(ControlJson, RoleWithAndWithoutProfile) {
    const RoleRef r{"111111111111", "ReadOnly", "corp"};
    const json with = role(r, std::string("dev"));
    EXPECT_EQ(with, json({{"session", "corp"},
                          {"account_id", "111111111111"},
                          {"role_name", "ReadOnly"},
                          {"profile", "dev"}}));
    EXPECT_TRUE(role(r, std::nullopt)["profile"].is_null());
}

TEST(ControlJson, LoginProgress) {
    sso::LoginProgress p;
    p.id = "abc";
    p.session = "corp";
    p.flow = sso::LoginFlow::DeviceCode;
    p.state = sso::LoginState::Pending;
    p.user_code = "ABCD-EFGH";
    p.url = "https://device.example/?user_code=ABCD-EFGH";
    p.expires_at = kT;
    const json j = login(p, true);
    EXPECT_EQ(j["id"], "abc");
    EXPECT_EQ(j["flow"], "device_code");
    EXPECT_EQ(j["state"], "pending");
    EXPECT_EQ(j["user_code"], "ABCD-EFGH");
    EXPECT_EQ(j["expires_at"], "2027-01-15T08:00:00Z");
    EXPECT_TRUE(j["error"].is_null());
    EXPECT_TRUE(j["access_token_expires_at"].is_null());
    EXPECT_TRUE(j["joined"].get<bool>());

    p.flow = sso::LoginFlow::AuthorizationCode;
    p.state = sso::LoginState::Failed;
    p.user_code.clear();
    p.error = "the login timed out";
    const json failed = login(p, false);
    EXPECT_EQ(failed["flow"], "authorization_code");
    EXPECT_EQ(failed["state"], "failed");
    EXPECT_TRUE(failed["user_code"].is_null());  // empty strings are null
    EXPECT_EQ(failed["error"], "the login timed out");
}

TEST(ControlJson, LoggedInSessionAnswersLikeALogin) {
    sso::SessionStatus s;
    s.name = "corp";
    s.access_token_expires_at = kT;
    s.refresh_token = true;
    const json j = logged_in(s);
    EXPECT_TRUE(j["id"].is_null());
    EXPECT_EQ(j["state"], "logged_in");
    EXPECT_EQ(j["session"], "corp");
    EXPECT_EQ(j["access_token_expires_at"], "2027-01-15T08:00:00Z");
    EXPECT_TRUE(j["refresh_token"].get<bool>());
}

TEST(ControlJson, ScopedTokens) {
    serve::ScopedTokenInfo t;
    t.id = "tok-1";
    t.role = RoleRef{"111111111111", "ReadOnly", "corp"};
    t.created_at = kT;
    t.label = "ci";
    json j = scoped_token(t);
    EXPECT_EQ(j["kind"], "role");
    EXPECT_EQ(j["role"]["role_name"], "ReadOnly");
    EXPECT_TRUE(j["role"]["profile"].is_null());
    EXPECT_TRUE(j["expires_at"].is_null());
    EXPECT_TRUE(j["idle_seconds"].is_null());
    EXPECT_TRUE(j["token_file"].is_null());
    EXPECT_TRUE(j["bound_pid"].is_null());

    t.active_role = true;
    t.idle_timeout = Seconds(3600);
    t.bound_pid = 4242;
    t.token_file = "/run/tok";
    j = scoped_token(t);
    EXPECT_EQ(j["kind"], "active");
    EXPECT_TRUE(j["role"].is_null());
    EXPECT_EQ(j["idle_seconds"], 3600);
    EXPECT_EQ(j["bound_pid"], 4242);
    EXPECT_EQ(j["token_file"], "/run/tok");
}

TEST(ControlJson, SessionAndRoleStatus) {
    sso::SessionStatus s;
    s.name = "corp";
    s.state = "login_required";
    s.last_error = sso::LastError{kT, "refused"};
    const json j = session(s);
    EXPECT_EQ(j["state"], "login_required");
    EXPECT_EQ(j["last_error"]["message"], "refused");
    EXPECT_TRUE(j["session_ends_at"].is_null());
    EXPECT_TRUE(j["session_length_seconds"].is_null());

    RoleStatus r;
    r.role = RoleRef{"111111111111", "ReadOnly", "corp"};
    r.active = true;
    r.expiration = kT;
    const json rs = role_status(r);
    EXPECT_TRUE(rs["active"].get<bool>());
    EXPECT_EQ(rs["expiration"], "2027-01-15T08:00:00Z");
    EXPECT_TRUE(rs["last_error"].is_null());
}

}  // namespace
}  // namespace ssocred::control_json
