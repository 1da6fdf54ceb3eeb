#include "config/duration.hpp"

#include <gtest/gtest.h>

#include "config/aws_config.hpp"

namespace ssocred::config {
namespace {

using namespace std::chrono_literals;

TEST(Duration, UnitsAndBareSeconds) {
    EXPECT_EQ(parse_duration("8h"), std::chrono::seconds(8h));
    EXPECT_EQ(parse_duration("90m"), std::chrono::seconds(90min));
    EXPECT_EQ(parse_duration("3600s"), 3600s);
    EXPECT_EQ(parse_duration("3600"), 3600s);
    EXPECT_EQ(parse_duration("  70s\t"), 70s);
}

TEST(Duration, RejectsWhatIsNotOneDuration) {
    for (const char* bad : {"", " ", "h", "8d", "1h30m", "-5m", "+5m", "0", "0h", "8 h", "8H",
                            "eight", "1e3", "99999999999999999999", "100000h"})
        EXPECT_FALSE(parse_duration(bad)) << bad;
}

TEST(Duration, SsoSessionSettings) {
    auto cfg = parse_aws_config(R"([sso-session good]
sso_start_url = https://d-good.awsapps.com/start
sso_region = us-east-1
ssocred_session_duration = 8h
ssocred_notify_before = 10m
[sso-session bad]
sso_start_url = https://d-bad.awsapps.com/start
sso_region = us-east-1
ssocred_session_duration = s3cr3t-looking-value
)",
                                "config");
    ASSERT_TRUE(cfg) << cfg.error().message;
    auto list = list_sso_sessions(*cfg);
    ASSERT_EQ(list.sessions.size(), 2u);
    const auto& bad = list.sessions[0].id == "bad" ? list.sessions[0] : list.sessions[1];
    const auto& good = list.sessions[0].id == "good" ? list.sessions[0] : list.sessions[1];
    EXPECT_EQ(good.session_duration, std::chrono::seconds(8h));
    EXPECT_EQ(good.notify_before, std::chrono::seconds(10min));
    EXPECT_FALSE(bad.session_duration);  // ignored; the session itself still works
    ASSERT_EQ(list.warnings.size(), 1u);
    EXPECT_NE(list.warnings[0].find("[sso-session bad] ssocred_session_duration"),
              std::string::npos);
    EXPECT_EQ(list.warnings[0].find("s3cr3t"), std::string::npos);  // never quotes the value
}

}  // namespace
}  // namespace ssocred::config
