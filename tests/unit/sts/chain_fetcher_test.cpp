#include "sts/chain_fetcher.hpp"

#include <deque>

#include <gtest/gtest.h>

namespace ssocred::sts {
namespace {

constexpr const char* kFetcherConfig = R"([sso-session corp]
sso_start_url = https://d-corp.awsapps.com/start
sso_region = us-east-1

[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Dev
region = eu-west-1

[profile chained]
role_arn = arn:aws:iam::222222222222:role/Deploy
source_profile = dev
external_id = ext-1
duration_seconds = 7200
region = eu-central-1

[profile twice]
role_arn = arn:aws:iam::333333333333:role/path/Audit
source_profile = chained
role_session_name = me

[profile overridden]
role_arn = arn:aws:iam::222222222222:role/Deploy
source_profile = dev
services = local

[services local]
sts =
  endpoint_url = http://127.0.0.1:7777
)";

std::string sts_answer(const std::string& key_id, const std::string& expiration) {
    return "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>" + key_id +
           "</AccessKeyId><SecretAccessKey>s-" + key_id + "</SecretAccessKey><SessionToken>t-" +
           key_id + "</SessionToken><Expiration>" + expiration +
           "</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>";
}

class FakeSso final : public RoleCredentialFetcher {
  public:
    Expected<RoleCredentials> fetch(const RoleRef& role) override {
        calls.push_back(role);
        if (fail) return *fail;
        RoleCredentials c;
        c.role = role;
        c.access_key_id = "ASIASSO";
        c.secret_access_key = Secret(std::string("sso-secret"));
        c.session_token = Secret(std::string("sso-token"));
        c.expiration = from_epoch_seconds(1764954000);
        return c;
    }
    std::vector<RoleRef> calls;
    std::optional<Error> fail;
};

struct Sent {
    std::string url;
    sso::HttpRequest request;
};

class Recorder final : public sso::HttpTransport {
  public:
    Recorder(std::string url, std::vector<Sent>& sent, std::deque<sso::HttpResponse>& answers)
        : url_(std::move(url)), sent_(sent), answers_(answers) {}
    Expected<sso::HttpResponse> send(sso::HttpRequest request) override {
        sent_.push_back({url_, request});
        if (answers_.empty()) return Error::make(ErrorCode::Network, "no answer");
        auto r = std::move(answers_.front());
        answers_.pop_front();
        return r;
    }

  private:
    std::string url_;
    std::vector<Sent>& sent_;
    std::deque<sso::HttpResponse>& answers_;
};

class ChainFetcherTest : public ::testing::Test {
  protected:
    ChainFetcherTest()
        : clock(from_epoch_seconds(1764950400)),
          fetcher(
              sso, clock,
              [this](const sso::BaseUrl& url) {
                  return std::make_unique<Recorder>(url.to_string(), sent, answers);
              },
              [this](const char* name) -> std::optional<std::string> {
                  auto it = env.find(name);
                  if (it == env.end()) return std::nullopt;
                  return it->second;
              }) {
        auto cfg = config::parse_aws_config(kFetcherConfig, "config");
        EXPECT_TRUE(cfg) << cfg.error().message;
        fetcher.set_config(std::make_shared<const config::AwsConfig>(*cfg));
    }
    void answer(int status, std::string body) {
        sso::HttpResponse r;
        r.status = status;
        r.body = std::move(body);
        answers.push_back(std::move(r));
    }
    std::string header(const sso::HttpRequest& r, const std::string& name) {
        for (const auto& [k, v] : r.headers)
            if (k == name) return v;
        return {};
    }

    ManualClock clock;
    FakeSso sso;
    std::vector<Sent> sent;
    std::deque<sso::HttpResponse> answers;
    std::map<std::string, std::string> env;
    ChainFetcher fetcher;
};

TEST_F(ChainFetcherTest, SsoRolesGoStraightToTheSsoLayer) {
    RoleRef role{"111111111111", "Dev", "corp"};
    auto c = fetcher.fetch(role);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->access_key_id, "ASIASSO");
    EXPECT_TRUE(sent.empty());
}

TEST_F(ChainFetcherTest, OneHop) {
    answer(200, sts_answer("ASIACHAINED", "2025-12-05T17:00:00Z"));
    RoleRef role{"222222222222", "Deploy", "profile:chained"};
    auto c = fetcher.fetch(role);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "ASIACHAINED");
    EXPECT_EQ(c->secret_access_key.reveal(), "s-ASIACHAINED");
    EXPECT_EQ(c->role, role);
    EXPECT_EQ(c->expiration, from_epoch_seconds(1764954000));
    ASSERT_EQ(sso.calls.size(), 1u);
    EXPECT_EQ(sso.calls[0], (RoleRef{"111111111111", "Dev", "corp"}));
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].url, "https://sts.eu-central-1.amazonaws.com");  // the profile's region
    const auto& body = sent[0].request.body;
    EXPECT_NE(body.find("RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2FDeploy"),
              std::string::npos);
    EXPECT_NE(body.find("ExternalId=ext-1"), std::string::npos);
    EXPECT_NE(body.find("DurationSeconds=3600"), std::string::npos);  // capped for chaining
    EXPECT_NE(body.find("RoleSessionName=ssocred-1764950400"), std::string::npos);
    EXPECT_EQ(header(sent[0].request, "X-Amz-Security-Token"), "sso-token");
    EXPECT_NE(header(sent[0].request, "Authorization").find("/eu-central-1/sts/aws4_request"),
              std::string::npos);
}

TEST_F(ChainFetcherTest, TwoHopsSignEachWithThePreviousCredentials) {
    answer(200, sts_answer("ASIAHOP1", "2025-12-05T17:00:00Z"));
    answer(200, sts_answer("ASIAHOP2", "2025-12-05T16:50:00Z"));
    auto c = fetcher.fetch(RoleRef{"333333333333", "Audit", "profile:twice"});
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "ASIAHOP2");
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_NE(sent[0].request.body.find("role%2FDeploy"), std::string::npos);
    EXPECT_NE(header(sent[0].request, "Authorization").find("Credential=ASIASSO/"),
              std::string::npos);
    EXPECT_NE(sent[1].request.body.find("role%2Fpath%2FAudit"), std::string::npos);
    EXPECT_NE(sent[1].request.body.find("RoleSessionName=me"), std::string::npos);
    EXPECT_EQ(header(sent[1].request, "X-Amz-Security-Token"), "t-ASIAHOP1");
    EXPECT_NE(header(sent[1].request, "Authorization").find("Credential=ASIAHOP1/"),
              std::string::npos);
    // `twice` has no region: its root's SSO region, and every hop uses it (botocore's rule).
    EXPECT_EQ(sent[0].url, "https://sts.us-east-1.amazonaws.com");
    EXPECT_EQ(sent[1].url, "https://sts.us-east-1.amazonaws.com");
}

TEST_F(ChainFetcherTest, EndpointOverrides) {
    answer(200, sts_answer("A1", "2025-12-05T17:00:00Z"));
    ASSERT_TRUE(fetcher.fetch(RoleRef{"222222222222", "Deploy", "profile:overridden"}));
    EXPECT_EQ(sent.back().url, "http://127.0.0.1:7777");

    env["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:8888/sts";
    answer(200, sts_answer("A2", "2025-12-05T17:00:00Z"));
    ASSERT_TRUE(fetcher.fetch(RoleRef{"222222222222", "Deploy", "profile:overridden"}));
    EXPECT_EQ(sent.back().url, "http://127.0.0.1:8888/sts");

    env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true";
    answer(200, sts_answer("A3", "2025-12-05T17:00:00Z"));
    ASSERT_TRUE(fetcher.fetch(RoleRef{"222222222222", "Deploy", "profile:overridden"}));
    EXPECT_EQ(sent.back().url, "https://sts.us-east-1.amazonaws.com");
}

TEST_F(ChainFetcherTest, SourceErrorsPropagate) {
    sso.fail = Error::make(ErrorCode::LoginRequired, "SSO session 'corp' is not logged in");
    auto c = fetcher.fetch(RoleRef{"222222222222", "Deploy", "profile:chained"});
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, ErrorCode::LoginRequired);
    EXPECT_TRUE(sent.empty());
}

TEST_F(ChainFetcherTest, StsErrorsPropagate) {
    answer(503, "<ErrorResponse><Error><Code>ServiceUnavailable</Code></Error></ErrorResponse>");
    auto c = fetcher.fetch(RoleRef{"222222222222", "Deploy", "profile:chained"});
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, ErrorCode::UpstreamFault);
}

TEST_F(ChainFetcherTest, AProfileThatChangedRoleIsNotServedUnderTheOldName) {
    auto c = fetcher.fetch(RoleRef{"222222222222", "Other", "profile:chained"});
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, ErrorCode::NotFound);
    auto gone = fetcher.fetch(RoleRef{"222222222222", "Deploy", "profile:nope"});
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.error().code, ErrorCode::NotFound);
    EXPECT_TRUE(sent.empty());
    EXPECT_TRUE(sso.calls.empty());
}

}  // namespace
}  // namespace ssocred::sts
