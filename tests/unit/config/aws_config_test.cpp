#include "config/aws_config.hpp"

#include <gtest/gtest.h>

namespace ssocred::config {
namespace {

constexpr const char* kConfig = R"([default]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Dev
region = eu-west-1

[profile admin]
sso_session = corp
sso_account_id = 222222222222
sso_role_name = Admin
sso_region = us-east-1

[profile legacy]
sso_start_url = https://d-legacy.awsapps.com/start
sso_region = eu-central-1
sso_account_id = 333333333333
sso_role_name = Old

[profile conflict]
sso_session = corp
sso_start_url = https://other.awsapps.com/start
sso_account_id = 1
sso_role_name = x

[profile dangling]
sso_session = nope
sso_account_id = 1
sso_role_name = x

[profile plain]
region = us-west-2

[sso-session corp]
sso_start_url = https://d-corp.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access, , extra

[sso-session broken]
sso_region = us-east-1
)";

TEST(AwsConfig, ParsesModel) {
    auto cfg = parse_aws_config(kConfig, "config");
    ASSERT_TRUE(cfg) << cfg.error().message;
    EXPECT_EQ(cfg->profiles.at("default").sso_session, "corp");
    EXPECT_EQ(cfg->sso_sessions.at("corp").registration_scopes,
              (std::vector<std::string>{"sso:account:access", "extra"}));
}

TEST(AwsConfig, ResolvesProfiles) {
    auto cfg = parse_aws_config(kConfig, "config");
    ASSERT_TRUE(cfg);
    auto dev = resolve_profile(*cfg, "default");
    ASSERT_TRUE(dev) << dev.error().message;
    EXPECT_EQ(dev->session_id, "corp");
    EXPECT_EQ(dev->role, (RoleRef{"111111111111", "Dev", "corp"}));
    EXPECT_EQ(dev->region, "eu-west-1");

    auto admin = resolve_profile(*cfg, "admin");  // same sso_region in both places is fine
    ASSERT_TRUE(admin);
    EXPECT_EQ(admin->region, "us-east-1");

    auto legacy = resolve_profile(*cfg, "legacy");
    ASSERT_TRUE(legacy);
    EXPECT_EQ(legacy->session_id, "https://d-legacy.awsapps.com/start");
    EXPECT_EQ(legacy->sso_region, "eu-central-1");

    auto conflict = resolve_profile(*cfg, "conflict");
    ASSERT_FALSE(conflict);
    EXPECT_EQ(conflict.error().code, ErrorCode::Invalid);
    EXPECT_NE(conflict.error().message.find("sso_start_url"), std::string::npos);

    auto dangling = resolve_profile(*cfg, "dangling");
    ASSERT_FALSE(dangling);
    EXPECT_EQ(dangling.error().code, ErrorCode::Invalid);

    EXPECT_EQ(resolve_profile(*cfg, "plain").error().code, ErrorCode::NotFound);
    EXPECT_EQ(resolve_profile(*cfg, "missing").error().code, ErrorCode::NotFound);
}

TEST(AwsConfig, ListsNamedAndLegacySessions) {
    auto cfg = parse_aws_config(kConfig, "config");
    ASSERT_TRUE(cfg);
    auto list = list_sso_sessions(*cfg, "admin");
    ASSERT_EQ(list.sessions.size(), 2u);
    EXPECT_EQ(list.sessions[0].id, "corp");
    EXPECT_FALSE(list.sessions[0].legacy);
    EXPECT_EQ(list.sessions[0].endpoint_profile, "admin");  // $AWS_PROFILE preferred
    EXPECT_EQ(list.sessions[1].id, "https://d-legacy.awsapps.com/start");
    EXPECT_TRUE(list.sessions[1].legacy);
    EXPECT_EQ(list.sessions[1].region, "eu-central-1");
    ASSERT_EQ(list.warnings.size(), 1u);
    EXPECT_NE(list.warnings[0].find("broken"), std::string::npos);
    EXPECT_EQ(list_sso_sessions(*cfg).sessions[0].endpoint_profile, "admin");  // first by name
}

TEST(AwsConfig, MissingFileIsEmpty) {
    auto cfg = load_aws_config("/nonexistent/ssocred/config");
    ASSERT_TRUE(cfg);
    EXPECT_TRUE(cfg->profiles.empty());
}

}  // namespace
}  // namespace ssocred::config
