// ControlApi's routing and error shapes, status, and the active role.
#include "control_fixture.hpp"

namespace ssocred::control_test {
namespace {

// Every error is {"code", "message"} (docs/control-api.md "Conventions").
void expect_error(const Answer& a, unsigned status, const std::string& code) {
    EXPECT_EQ(a.status, status) << a.text;
    ASSERT_TRUE(a.body.is_object()) << a.text;
    EXPECT_EQ(a.body.value("code", ""), code) << a.text;
    EXPECT_FALSE(a.body.value("message", "").empty()) << a.text;
}

TEST_F(ControlFixture, UnknownPathIsNotFound) {
    expect_error(call("GET", "/v1/nothing-here"), 404, "not_found");
    expect_error(call("GET", "/v2/status"), 404, "not_found");
    expect_error(call("GET", "/v1/login/a/b"), 404, "not_found");  // one id segment only
}

TEST_F(ControlFixture, KnownPathWithAnotherMethodIsMethodNotAllowed) {
    auto a = call("DELETE", "/v1/status");
    expect_error(a, 405, "invalid");
    EXPECT_EQ(a.header("Allow"), "GET");

    a = call("POST", "/v1/active");
    expect_error(a, 405, "invalid");
    EXPECT_EQ(a.header("Allow"), "GET, PUT");

    a = call("PUT", "/v1/login/some-id");
    expect_error(a, 405, "invalid");
    EXPECT_EQ(a.header("Allow"), "GET, DELETE");

    a = call("GET", "/v1/tokens/main/rotate");
    expect_error(a, 405, "invalid");
    EXPECT_EQ(a.header("Allow"), "POST");
}

TEST_F(ControlFixture, BodyThatIsNotAJsonObjectIsInvalid) {
    expect_error(call("PUT", "/v1/active", "{not json"), 400, "invalid");
    expect_error(call("PUT", "/v1/active", "[1,2]"), 400, "invalid");
    expect_error(call("POST", "/v1/tokens", "\"a string\""), 400, "invalid");
    expect_error(call("POST", "/v1/login", "{"), 400, "invalid");
    expect_error(call("POST", "/v1/console", "null"), 400, "invalid");
}

TEST_F(ControlFixture, StatusDescribesSessionsAndConfig) {
    auto a = call("GET", "/v1/status");
    ASSERT_EQ(a.status, 200u) << a.text;
    EXPECT_EQ(a.body["started_by"], "hand");
    EXPECT_EQ(a.body["aws_cache"], "off");
    EXPECT_TRUE(a.body["config"]["ok"].get<bool>());
    EXPECT_TRUE(a.body["active"].is_null());
    std::map<std::string, std::string> states;
    for (const auto& s : a.body["sessions"]) states[s["name"]] = s["state"];
    EXPECT_EQ(states["corp"], "logged_in");
    EXPECT_EQ(states["lab"], "logged_out");
    EXPECT_EQ(a.text.find("corp-access"), std::string::npos);  // no token in the answer
}

TEST_F(ControlFixture, SetActiveByProfileThenGetActive) {
    EXPECT_TRUE(call("GET", "/v1/active").body["active"].is_null());
    auto a = call("PUT", "/v1/active", R"({"profile":"dev"})");
    ASSERT_EQ(a.status, 200u) << a.text;
    EXPECT_TRUE(a.body["previous"].is_null());
    EXPECT_EQ(a.body["active"]["profile"], "dev");
    EXPECT_EQ(a.body["active"]["account_id"], "111111111111");
    EXPECT_EQ(a.body["active"]["role_name"], "ReadOnly");
    EXPECT_EQ(a.body["active"]["session"], "corp");

    a = call("GET", "/v1/active");
    ASSERT_EQ(a.status, 200u);
    EXPECT_EQ(a.body["active"]["profile"], "dev");

    // By account and role: the profile that names it is found.
    a = call("PUT", "/v1/active",
             R"({"account_id":"222222222222","role_name":"Admin","sso_session":"corp"})");
    ASSERT_EQ(a.status, 200u) << a.text;
    EXPECT_EQ(a.body["previous"]["profile"], "dev");
    EXPECT_EQ(a.body["active"]["profile"], "ops");
}

TEST_F(ControlFixture, SetActiveRefusesWhatCannotBeUsed) {
    // The role is not assigned to the session (the portal's listing says so).
    expect_error(call("PUT", "/v1/active", R"({"profile":"unassigned"})"), 404, "not_found");
    expect_error(call("PUT", "/v1/active", R"({"profile":"no-such-profile"})"), 404, "not_found");
    expect_error(call("PUT", "/v1/active", R"({"account_id":"111111111111"})"), 400, "invalid");
    expect_error(call("PUT", "/v1/active", "{}"), 400, "invalid");
    // Nothing changed.
    EXPECT_TRUE(call("GET", "/v1/active").body["active"].is_null());
}

TEST_F(ControlFixture, SetActiveOnALoggedOutSessionNeedsALogin) {
    auto a = call("PUT", "/v1/active",
                  R"({"account_id":"111111111111","role_name":"Admin","sso_session":"lab"})");
    expect_error(a, 503, "login_required");
    EXPECT_EQ(a.body.value("session", ""), "lab");  // the CLI signs in to it
}

TEST_F(ControlFixture, ConsoleLooksUpTheRoleFirst) {
    expect_error(call("POST", "/v1/console", R"({"profile":"no-such-profile"})"), 404, "not_found");
    // No active role to default to.
    expect_error(call("POST", "/v1/console", "{}"), 404, "not_found");
    expect_error(call("POST", "/v1/console", R"({"profile":"dev","destination":"ftp://x"})"), 400,
                 "invalid");
    expect_error(call("POST", "/v1/console", R"({"profile":"dev","signin_endpoint":"not a url"})"),
                 400, "invalid");
}

TEST_F(ControlFixture, CredentialsOfANamedRole) {
    auto a = call("GET", "/v1/credentials?profile=dev");
    ASSERT_EQ(a.status, 200u) << a.text;
    EXPECT_EQ(a.body["AccessKeyId"], "ASIAFAKE");
    EXPECT_EQ(a.body["SecretAccessKey"], "fake-secret-key");
    EXPECT_EQ(a.body["AccountId"], "111111111111");
    expect_error(call("GET", "/v1/credentials"), 404, "not_found");  // no active role
}

TEST_F(ControlFixture, AccountsListsTheRolesWithTheirProfiles) {
    auto a = call("GET", "/v1/accounts?sso_session=corp");
    ASSERT_EQ(a.status, 200u) << a.text;
    EXPECT_EQ(a.body["session"], "corp");
    ASSERT_EQ(a.body["accounts"].size(), 2u);
    EXPECT_EQ(a.body["accounts"][0]["profiles"]["ReadOnly"], "dev");
    expect_error(call("GET", "/v1/accounts?sso_session=nope"), 404, "not_found");
}

}  // namespace
}  // namespace ssocred::control_test
