#include "config/aws_config.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

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
    ASSERT_EQ(list.warnings.size(), 2u);
    EXPECT_NE(list.warnings[0].find("broken"), std::string::npos);
    EXPECT_NE(list.warnings[1].find("profile dangling names sso_session nope"), std::string::npos);
    EXPECT_EQ(list_sso_sessions(*cfg).sessions[0].endpoint_profile, "admin");  // first by name
}

TEST(AwsConfig, AProfileNamingNoSsoSessionIsAWarningWithASuggestion) {
    auto cfg = parse_aws_config(R"([profile dev]
sso_session = dmeo
sso_account_id = 111111111111
sso_role_name = Dev

[profile ok]
sso_session = demo
sso_account_id = 111111111111
sso_role_name = Dev

[sso-session demo]
sso_start_url = https://d-demo.awsapps.com/start
sso_region = us-east-1
)",
                                "config");
    ASSERT_TRUE(cfg) << cfg.error().message;
    const auto list = list_sso_sessions(*cfg);
    ASSERT_EQ(list.sessions.size(), 1u);  // the good session still serves
    ASSERT_EQ(list.warnings.size(), 1u);
    EXPECT_NE(list.warnings[0].find("profile dev"), std::string::npos) << list.warnings[0];
    EXPECT_NE(list.warnings[0].find("no [sso-session dmeo]"), std::string::npos);
    EXPECT_NE(list.warnings[0].find("did you mean 'demo'"), std::string::npos);
}

TEST(AwsConfig, MissingFileIsEmpty) {
    auto cfg = load_aws_config("/nonexistent/ssocred/config");
    ASSERT_TRUE(cfg);
    EXPECT_TRUE(cfg->profiles.empty());
}

TEST(AwsConfig, LoginSessionOfAcceptsWhatAwsSsoLoginAccepts) {
    auto cfg = parse_aws_config(std::string(kConfig) + R"(
[profile session-only]
sso_session = corp

[profile legacy-only]
sso_start_url = https://d-legacy.awsapps.com/start
sso_region = eu-central-1
)",
                                "config");
    ASSERT_TRUE(cfg) << cfg.error().message;
    EXPECT_EQ(*login_session_of(*cfg, "session-only"), "corp");  // no role needed
    EXPECT_EQ(*login_session_of(*cfg, "default"), "corp");
    EXPECT_EQ(*login_session_of(*cfg, "legacy-only"), "https://d-legacy.awsapps.com/start");
    auto plain = login_session_of(*cfg, "plain");
    ASSERT_FALSE(plain);
    EXPECT_NE(plain.error().message.find("names no SSO session"), std::string::npos);
    EXPECT_EQ(login_session_of(*cfg, "nope").error().code, ErrorCode::NotFound);
    EXPECT_EQ(login_session_of(*cfg, "dangling").error().code, ErrorCode::Invalid);
}

TEST(AwsConfig, FollowsASymlinkedConfigAsTheCliDoes) {
    test::TempDir dir;
    const auto target = dir / "dotfiles-config";
    std::ofstream(target) << kConfig;
    const auto link = dir / "config";
    std::filesystem::create_symlink(target, link);
    auto cfg = load_aws_config(link);
    ASSERT_TRUE(cfg) << cfg.error().message;
    EXPECT_TRUE(cfg->profiles.contains("admin"));
}

TEST(AwsConfig, BrokenLineIsReportedWithFileAndLine) {
    auto cfg = parse_aws_config("[profile ok]\nregion = x\n[profile broken\nregion = y\n",
                                "/home/u/.aws/config");
    ASSERT_FALSE(cfg);
    EXPECT_EQ(cfg.error().message,
              "/home/u/.aws/config:3: section header is missing its closing ']'");
}

TEST(AwsConfig, ParseErrorsNeverQuoteAValue) {
    // The message reaches logs, `status` and every command: a value may be a secret.
    for (const char* text : {"aws_secret_access_key = wJalrXUtnFEMIsEcReT\n[default]\n",
                             "wJalrXUtnFEMIsEcReT\n[default]\n"}) {
        auto cfg = parse_aws_config(text, "config");
        ASSERT_FALSE(cfg);
        EXPECT_EQ(cfg.error().message.find("wJalrXUtnFEMIsEcReT"), std::string::npos)
            << cfg.error().message;
        EXPECT_NE(cfg.error().message.find("config:1:"), std::string::npos);
    }
}

TEST(AwsConfig, TensOfThousandsOfProfilesParse) {
    std::string text;
    constexpr int kProfiles = 30000;
    for (int i = 0; i < kProfiles; ++i)
        text += "[profile p" + std::to_string(i) +
                "]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = R\n";
    text += "[sso-session corp]\nsso_start_url = https://x/start\nsso_region = us-east-1\n";
    // A repeated header merges into the first section (an index, not a scan, finds it).
    text += "[profile p7]\nregion = eu-north-1\n";
    auto cfg = parse_aws_config(text, "big");
    ASSERT_TRUE(cfg) << cfg.error().message;
    EXPECT_EQ(cfg->profiles.size(), static_cast<std::size_t>(kProfiles));
    EXPECT_EQ(cfg->profiles.at("p7").region, "eu-north-1");
    EXPECT_EQ(cfg->profiles.at("p7").sso_account_id, "111111111111");
}

}  // namespace
}  // namespace ssocred::config
