// The CLI reads the AWS config's section names with the daemon's parser: the same sections,
// and the same refusal (file and line) for a file the daemon cannot read.
#include "aws_config_scan.hpp"

#include <gtest/gtest.h>

namespace ssocred::cli {
namespace {

TEST(AwsConfigScan, NamesProfilesAndSessionsAsTheDaemonReadsThem) {
    const std::string text =
        "[default]\nregion = eu-west-1\n"
        "[profile dev]\nsso_session = corp\n"
        "[profile 'my prod'] # quoted, with a comment\nsso_session = corp\n"
        "[sso-session corp]\nsso_start_url = https://x.awsapps.com/start/#/\n"
        "[profile dev]\nregion = us-east-1\n"  // a repeated header is the same profile
        "[profile default]\n"                  // the same profile as [default]
        "[plugins]\n[profile a b]\n[services s]\n";
    auto scanned = scan_config_text(text, "config");
    ASSERT_TRUE(scanned) << scanned.error().message;
    EXPECT_EQ(scanned->profiles, (std::vector<std::string>{"default", "dev", "my prod"}));
    EXPECT_EQ(scanned->sso_sessions, (std::vector<std::string>{"corp"}));
}

TEST(AwsConfigScan, AnIndentedLineUnderAKeyContinuesItsValue) {
    auto scanned = scan_config_text("[profile dev]\nsso_session = corp\n  [profile hidden]\n", "c");
    ASSERT_TRUE(scanned) << scanned.error().message;
    EXPECT_EQ(scanned->profiles, (std::vector<std::string>{"dev"}));
}

TEST(AwsConfigScan, RefusesWhatTheDaemonRefusesNamingTheLine) {
    auto scanned =
        scan_config_text("[profile dev]\nregion = x\n[profile broken\n", "/home/u/.aws/config");
    ASSERT_FALSE(scanned);
    EXPECT_EQ(scanned.error().code, ErrorCode::Invalid);
    EXPECT_EQ(scanned.error().message.rfind("/home/u/.aws/config:3: ", 0), 0u)
        << scanned.error().message;
}

TEST(AwsConfigScan, AMissingFileIsNotFound) {
    auto scanned = scan_config_file("/nonexistent/ssocred/config");
    ASSERT_FALSE(scanned);
    EXPECT_EQ(scanned.error().code, ErrorCode::NotFound);
}

}  // namespace
}  // namespace ssocred::cli
