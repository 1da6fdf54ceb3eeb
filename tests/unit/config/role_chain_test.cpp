// Role chaining in the AWS config: role_arn + source_profile profiles, their refusals and
// cycles (issue 14).
#include <gtest/gtest.h>

#include "config/aws_config.hpp"
#include "config/endpoints.hpp"

namespace ssocred::config {
namespace {

constexpr const char* kChainConfig = R"([sso-session corp]
sso_start_url = https://d-corp.awsapps.com/start
sso_region = us-east-1

[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Dev
region = eu-west-1

[profile legacy]
sso_start_url = https://d-legacy.awsapps.com/start
sso_region = eu-central-1
sso_account_id = 333333333333
sso_role_name = Old

[profile deploy]
role_arn = arn:aws:iam::222222222222:role/Deploy
source_profile = dev
role_session_name = alice
external_id = ext-1
duration_seconds = 1800

[profile audit]
role_arn = arn:aws:iam::444444444444:role/team/Audit
source_profile = deploy
region = ap-southeast-2

[profile from-legacy]
role_arn = arn:aws-cn:iam::555555555555:role/X
source_profile = legacy

[profile loop-a]
role_arn = arn:aws:iam::222222222222:role/A
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::222222222222:role/B
source_profile = loop-a

[profile self]
role_arn = arn:aws:iam::222222222222:role/S
source_profile = self

[profile orphan]
role_arn = arn:aws:iam::222222222222:role/O
source_profile = missing

[profile no-source]
role_arn = arn:aws:iam::222222222222:role/O

[profile ec2]
role_arn = arn:aws:iam::222222222222:role/O
credential_source = Ec2InstanceMetadata

[profile mfa]
role_arn = arn:aws:iam::222222222222:role/O
source_profile = dev
mfa_serial = arn:aws:iam::111111111111:mfa/alice

[profile web]
role_arn = arn:aws:iam::222222222222:role/O
web_identity_token_file = /var/run/token

[profile via-mfa]
role_arn = arn:aws:iam::222222222222:role/V
source_profile = mfa

[profile static]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = example

[profile from-static]
role_arn = arn:aws:iam::222222222222:role/O
source_profile = static

[profile bad-arn]
role_arn = arn:aws:iam::12345:role/O
source_profile = dev

[profile bad-arn-2]
role_arn = arn:aws:s3:::bucket
source_profile = dev

[profile bad-duration]
role_arn = arn:aws:iam::222222222222:role/O
source_profile = dev
duration_seconds = 1h

[profile short-duration]
role_arn = arn:aws:iam::222222222222:role/O
source_profile = dev
duration_seconds = 60

[profile bad-session-name]
role_arn = arn:aws:iam::222222222222:role/O
source_profile = dev
role_session_name = has space
)";

class RoleChainConfig : public ::testing::Test {
  protected:
    void SetUp() override {
        auto parsed = parse_aws_config(kChainConfig, "config");
        ASSERT_TRUE(parsed) << parsed.error().message;
        cfg = std::move(*parsed);
    }
    Error error_of(const char* profile) {
        auto r = resolve_profile(cfg, profile);
        EXPECT_FALSE(r) << profile;
        return r ? Error{} : r.error();
    }
    AwsConfig cfg;
};

TEST_F(RoleChainConfig, ReadsTheChainingKeys) {
    const auto& p = cfg.profiles.at("deploy");
    EXPECT_EQ(p.role_arn, "arn:aws:iam::222222222222:role/Deploy");
    EXPECT_EQ(p.source_profile, "dev");
    EXPECT_EQ(p.role_session_name, "alice");
    EXPECT_EQ(p.external_id, "ext-1");
    EXPECT_EQ(p.duration_seconds, "1800");
}

TEST_F(RoleChainConfig, LaterSectionsMergeChainingKeys) {
    auto merged = parse_aws_config(
        "[profile x]\nrole_arn = arn:aws:iam::222222222222:role/A\n[profile x]\n"
        "source_profile = dev\nrole_arn = arn:aws:iam::222222222222:role/B\n",
        "config");
    ASSERT_TRUE(merged);
    EXPECT_EQ(merged->profiles.at("x").role_arn, "arn:aws:iam::222222222222:role/B");
    EXPECT_EQ(merged->profiles.at("x").source_profile, "dev");
}

TEST_F(RoleChainConfig, ResolvesAChainedProfile) {
    auto r = resolve_profile(cfg, "deploy");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->session_id, "corp");  // the root's SSO session needs the login
    EXPECT_EQ(r->role, (RoleRef{"222222222222", "Deploy", "profile:deploy"}));
    EXPECT_EQ(r->sso_region, "us-east-1");
    EXPECT_EQ(r->region, "us-east-1");  // no region of its own: the SSO region

    auto chain = resolve_role_chain(cfg, "deploy");
    ASSERT_TRUE(chain);
    EXPECT_EQ(chain->source_profile, "dev");
    EXPECT_EQ(chain->source.role, (RoleRef{"111111111111", "Dev", "corp"}));
    ASSERT_EQ(chain->hops.size(), 1u);
    EXPECT_EQ(chain->hops[0].role_session_name, "alice");
    EXPECT_EQ(chain->hops[0].external_id, "ext-1");
    EXPECT_EQ(chain->hops[0].duration_seconds, 1800);
}

TEST_F(RoleChainConfig, ResolvesAChainOfChains) {
    auto r = resolve_profile(cfg, "audit");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->role, (RoleRef{"444444444444", "Audit", "profile:audit"}));
    EXPECT_EQ(r->session_id, "corp");
    EXPECT_EQ(r->region, "ap-southeast-2");
    auto chain = resolve_role_chain(cfg, "audit");
    ASSERT_TRUE(chain);
    ASSERT_EQ(chain->hops.size(), 2u);
    EXPECT_EQ(chain->hops[0].profile, "deploy");  // root outwards
    EXPECT_EQ(chain->hops[1].profile, "audit");
    EXPECT_EQ(chain->hops[1].role_name, "Audit");  // the last segment of a role path
    EXPECT_FALSE(chain->hops[1].duration_seconds);
    EXPECT_EQ(chain->region, "ap-southeast-2");
}

TEST_F(RoleChainConfig, LegacySourceAndOtherPartitions) {
    auto r = resolve_profile(cfg, "from-legacy");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->session_id, "https://d-legacy.awsapps.com/start");
    EXPECT_EQ(r->role.account_id, "555555555555");
}

TEST_F(RoleChainConfig, DetectsCycles) {
    for (const char* p : {"loop-a", "loop-b", "self"}) {
        const Error e = error_of(p);
        EXPECT_EQ(e.code, ErrorCode::Invalid) << p;
        EXPECT_NE(e.message.find("cycle"), std::string::npos) << e.message;
    }
    EXPECT_NE(error_of("loop-a").message.find("loop-a -> loop-b -> loop-a"), std::string::npos);
}

TEST_F(RoleChainConfig, RefusesUnsupportedKeysByName) {
    const std::pair<const char*, const char*> cases[] = {{"ec2", "credential_source"},
                                                         {"mfa", "mfa_serial"},
                                                         {"web", "web_identity_token_file"},
                                                         {"via-mfa", "mfa_serial"}};
    for (const auto& [profile, key] : cases) {
        const Error e = error_of(profile);
        EXPECT_NE(e.message.find(key), std::string::npos) << profile << ": " << e.message;
        EXPECT_EQ(e.message.find("has no SSO role"), std::string::npos) << e.message;
    }
}

TEST_F(RoleChainConfig, ReportsBrokenChains) {
    EXPECT_EQ(error_of("orphan").code, ErrorCode::NotFound);
    EXPECT_NE(error_of("orphan").message.find("source_profile 'missing'"), std::string::npos);
    EXPECT_NE(error_of("no-source").message.find("no source_profile"), std::string::npos);
    const Error from_static = error_of("from-static");
    EXPECT_NE(from_static.message.find("takes its credentials from 'static'"), std::string::npos)
        << from_static.message;
    for (const char* p : {"bad-arn", "bad-arn-2"}) {
        EXPECT_EQ(error_of(p).code, ErrorCode::Invalid);
        EXPECT_NE(error_of(p).message.find("not an IAM role ARN"), std::string::npos);
    }
    for (const char* p : {"bad-duration", "short-duration"})
        EXPECT_NE(error_of(p).message.find("duration_seconds"), std::string::npos) << p;
    EXPECT_NE(error_of("bad-session-name").message.find("role_session_name"), std::string::npos);
}

TEST_F(RoleChainConfig, SsoProfilesAreUnchanged) {
    auto r = resolve_profile(cfg, "dev");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->role, (RoleRef{"111111111111", "Dev", "corp"}));
    EXPECT_FALSE(resolve_role_chain(cfg, "dev"));
}

TEST(ChainedSession, Marker) {
    EXPECT_EQ(chained_session("x"), "profile:x");
    EXPECT_TRUE(is_chained_session("profile:x"));
    EXPECT_FALSE(is_chained_session("profile:"));
    EXPECT_FALSE(is_chained_session("corp"));
    EXPECT_FALSE(is_chained_session("https://d-corp.awsapps.com/start"));
    EXPECT_EQ(chained_profile_name("profile:a:b"), "a:b");
    EXPECT_EQ(chained_profile_name("corp"), "");
}

TEST(StsEndpoint, ResolvesLikeTheSdks) {
    auto cfg = parse_aws_config(
        "[profile p]\nservices = s\n[profile q]\nendpoint_url = http://q:1\n"
        "[services s]\nsts =\n  endpoint_url = http://svc:2\n",
        "config");
    ASSERT_TRUE(cfg);
    std::map<std::string, std::string> env;
    EnvLookup lookup = [&](const char* n) -> std::optional<std::string> {
        auto it = env.find(n);
        return it == env.end() ? std::nullopt : std::optional(it->second);
    };
    const ProfileConfig* p = &cfg->profiles.at("p");
    const ProfileConfig* q = &cfg->profiles.at("q");
    EXPECT_EQ(resolve_sts_endpoint("us-east-1", *cfg, nullptr, lookup)->url,
              "https://sts.us-east-1.amazonaws.com");
    EXPECT_EQ(resolve_sts_endpoint("cn-north-1", *cfg, nullptr, lookup)->url,
              "https://sts.cn-north-1.amazonaws.com.cn");
    EXPECT_EQ(resolve_sts_endpoint("eu-west-1", *cfg, p, lookup)->url, "http://svc:2");
    EXPECT_EQ(resolve_sts_endpoint("eu-west-1", *cfg, q, lookup)->url, "http://q:1");
    env["AWS_ENDPOINT_URL"] = "http://all:3";
    EXPECT_EQ(resolve_sts_endpoint("eu-west-1", *cfg, p, lookup)->url, "http://all:3");
    env["AWS_ENDPOINT_URL_STS"] = "http://sts:4";
    EXPECT_EQ(resolve_sts_endpoint("eu-west-1", *cfg, p, lookup)->url, "http://sts:4");
    EXPECT_EQ(resolve_sts_endpoint("eu-west-1", *cfg, p, lookup)->source,
              "env AWS_ENDPOINT_URL_STS");
    env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "TRUE";
    EXPECT_EQ(resolve_sts_endpoint("eu-west-1", *cfg, p, lookup)->url,
              "https://sts.eu-west-1.amazonaws.com");
    EXPECT_FALSE(resolve_sts_endpoint("bad region!", *cfg, p, lookup));
}

}  // namespace
}  // namespace ssocred::config
