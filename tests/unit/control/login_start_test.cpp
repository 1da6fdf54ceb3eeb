// POST /v1/login: the upstream start (RegisterClient, StartDeviceAuthorization) runs on the
// login's own thread and the first answer waits for the URL parked on the loop, so logins
// whose upstream does not answer hold no worker; `if_needed` starts a login in every state
// where no token can be had without one.
#include "control_fixture.hpp"

namespace ssocred::control_test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kCorpDevice = R"({"sso_session":"corp","use_device_code":true})";
constexpr const char* kLabDevice = R"({"sso_session":"lab","use_device_code":true})";
constexpr const char* kCorpIfNeeded =
    R"({"sso_session":"corp","use_device_code":true,"if_needed":true})";

std::string state_of(const Answer& status, const std::string& session) {
    for (const auto& s : status.body["sessions"])
        if (s["name"] == session) return s["state"];
    return "";
}

TEST_F(ControlFixture, LoginsWhoseUpstreamDoesNotAnswerStallNoOtherRequest) {
    oidc->hold();  // the OIDC service takes every call and answers none
    auto corp = send("POST", "/v1/login", kCorpDevice);
    auto lab = send("POST", "/v1/login", kLabDevice);
    // Both logins are inside their first upstream call, their answers still waiting.
    run_until([&] { return oidc->waiting() == 2; });
    ASSERT_EQ(oidc->waiting(), 2);
    EXPECT_FALSE(corp->answered());
    EXPECT_FALSE(lab->answered());

    // On the loop, and on the blocking pool (the portal's listing): both answer meanwhile.
    auto status = call("GET", "/v1/status");
    ASSERT_EQ(status.status, 200u) << status.text;
    EXPECT_EQ(state_of(status, "corp"), "login_in_progress");
    EXPECT_EQ(state_of(status, "lab"), "login_in_progress");
    auto accounts = call("GET", "/v1/accounts?sso_session=corp");
    EXPECT_EQ(accounts.status, 200u) << accounts.text;
    // A second login for the session joins the first at once, whatever its upstream does.
    auto joined = call("POST", "/v1/login", kCorpDevice);
    ASSERT_EQ(joined.status, 202u) << joined.text;
    EXPECT_EQ(joined.body["joined"], true);
    EXPECT_EQ(joined.body["state"], "pending");

    // Logout (on the pool) answers too, and ends lab's login: its first answer says so.
    auto logout = call("POST", "/v1/logout", R"({"sso_session":"lab"})");
    ASSERT_EQ(logout.status, 200u) << logout.text;
    run_until([&] { return lab->answered(); });
    ASSERT_TRUE(lab->answered());
    EXPECT_EQ(lab->answer().status, 202u);
    EXPECT_EQ(lab->answer().body["state"], "cancelled");
    EXPECT_FALSE(corp->answered());

    // The upstream answers: corp's first answer carries the URL, as it always has.
    oidc->release();
    run_until([&] { return corp->answered(); });
    ASSERT_TRUE(corp->answered());
    const Answer first = corp->answer();
    EXPECT_EQ(first.status, 202u) << first.text;
    EXPECT_EQ(first.body["state"], "pending");
    EXPECT_EQ(first.body["joined"], false);
    EXPECT_EQ(first.body["id"], joined.body["id"]);
    EXPECT_EQ(first.body["url"], "https://device.example/?user_code=ABCD-EFGH");
    EXPECT_EQ(first.body["user_code"], "ABCD-EFGH");
}

TEST_F(ControlFixture, AFailedUpstreamStartEndsTheLoginFailedWithItsError) {
    oidc->register_error = Error::make(ErrorCode::InvalidClient,
                                       "RegisterClient failed: InvalidClientException: bad scopes");
    auto a = call("POST", "/v1/login", kLabDevice);  // lab has no registration to reuse
    ASSERT_EQ(a.status, 202u) << a.text;
    EXPECT_EQ(a.body["state"], "failed");
    EXPECT_EQ(a.body["url"], nullptr);
    EXPECT_NE(std::string(a.body["error"]).find("InvalidClientException: bad scopes"),
              std::string::npos)
        << a.text;
    // Errors known without the upstream are still the POST's own.
    EXPECT_EQ(call("POST", "/v1/login", R"({"sso_session":"nope"})").status, 404u);
    EXPECT_EQ(call("POST", "/v1/login", "[1]").status, 400u);
}

TEST_F(ControlFixture, IfNeededLeavesALoggedInSessionAlone) {
    auto a = call("POST", "/v1/login", kCorpIfNeeded);
    ASSERT_EQ(a.status, 200u) << a.text;
    EXPECT_EQ(a.body["state"], "logged_in");
    EXPECT_EQ(a.body["id"], nullptr);
    EXPECT_EQ(oidc->waiting(), 0);
}

TEST_F(ControlFixture, IfNeededLogsInWhenTheRefreshTokenWasRefused) {
    clock.advance(9h);  // corp's access token expired: the next use renews it
    oidc->refresh_error =
        Error::make(ErrorCode::InvalidGrant, "CreateToken failed: InvalidGrantException");
    EXPECT_EQ(call("GET", "/v1/accounts?sso_session=corp").status, 503u);
    EXPECT_EQ(state_of(call("GET", "/v1/status"), "corp"), "login_required");
    auto a = call("POST", "/v1/login", kCorpIfNeeded);
    ASSERT_EQ(a.status, 202u) << a.text;
    EXPECT_EQ(a.body["state"], "pending");
    EXPECT_EQ(a.body["joined"], false);
}

TEST_F(ControlFixture, IfNeededLogsInWhenTheTokenExpiredAndCannotBeRenewed) {
    // lab signed in by the AWS CLI (`aws sso login`, read from its cache): no refresh token,
    // no registration of ours.
    TokenState t;
    t.session = "lab";
    t.start_url = "https://d-lab.awsapps.com/start";
    t.region = "eu-west-1";
    t.access_token = Secret(std::string("cli-access"));
    t.issued_at = clock.now();
    t.access_token_expires_at = clock.now() + 1h;
    ASSERT_TRUE(*sessions->import_token(t));
    const std::string lab_if_needed =
        R"({"sso_session":"lab","use_device_code":true,"if_needed":true})";
    EXPECT_EQ(call("POST", "/v1/login", lab_if_needed).status, 200u);  // valid for an hour

    clock.advance(2h);
    EXPECT_EQ(state_of(call("GET", "/v1/status"), "lab"), "login_required");
    auto a = call("POST", "/v1/login", lab_if_needed);
    ASSERT_EQ(a.status, 202u) << a.text;
    EXPECT_EQ(a.body["state"], "pending");
}

TEST_F(ControlFixture, IfNeededJoinsALoginInProgress) {
    oidc->hold();
    auto started = send("POST", "/v1/login", kCorpDevice);
    run_until([&] { return oidc->waiting() == 1; });
    auto a = call("POST", "/v1/login", kCorpIfNeeded);
    ASSERT_EQ(a.status, 202u) << a.text;
    EXPECT_EQ(a.body["joined"], true);
    oidc->release();
    run_until([&] { return started->answered(); });
    EXPECT_EQ(started->answer().body["id"], a.body["id"]);
}

}  // namespace
}  // namespace ssocred::control_test
