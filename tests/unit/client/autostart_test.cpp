#include "autostart.hpp"

#include <gtest/gtest.h>

namespace ssocred::cli {
namespace {

TEST(Autostart, TheSettingTurnsItOffWithTheUsualWords) {
    for (const char* off : {"0", "no", "false", "off", "OFF", "False"})
        EXPECT_TRUE(autostart_disabled_by(off)) << off;
    for (const char* on : {"1", "yes", "true", "on", ""})
        EXPECT_FALSE(autostart_disabled_by(on)) << on;
}

TEST(Autostart, TheLogLivesInTheStateDirectory) {
    EXPECT_EQ(autostart_log_file().filename(), "ssocredd.log");
    EXPECT_EQ(autostart_log_file().parent_path().filename(), "ssocred");
}

}  // namespace
}  // namespace ssocred::cli
