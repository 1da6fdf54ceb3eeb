#include "platform_advice.hpp"

#include <gtest/gtest.h>

#include "control_client.hpp"

namespace ssocred::cli {
namespace {

using nlohmann::json;

TEST(PlatformAdvice, LinuxAndMacosLayersPass) {
    EXPECT_FALSE(judge_platform({{"os_layer", "linux"}, {"tcp_peer_owner", "any_user"}}).warn);
    EXPECT_FALSE(judge_platform({{"os_layer", "macos"}, {"tcp_peer_owner", "own_user"}}).warn);
}

TEST(PlatformAdvice, TheGenericLayerWarnsAndSuggestsTheDeviceCodeFlow) {
    const json generic = {{"os_layer", "generic"}, {"tcp_peer_owner", "none"}};
    const auto verdict = judge_platform(generic);
    EXPECT_TRUE(verdict.warn);
    EXPECT_NE(verdict.detail.find("IMDS is refused"), std::string::npos);
    EXPECT_NE(verdict.fix.find("--use-device-code"), std::string::npos);
    EXPECT_TRUE(imds_refused(generic));
    EXPECT_FALSE(imds_refused({{"os_layer", "linux"}, {"tcp_peer_owner", "any_user"}}));
}

TEST(PlatformAdvice, TheStartHintFitsTheOs) {
    EXPECT_NE(daemon_start_hint("linux").find("systemctl --user start"), std::string::npos);
    const auto mac = daemon_start_hint("macos");
    EXPECT_NE(mac.find("launchctl kickstart gui/$UID/com.github.ssocred.ssocredd"),
              std::string::npos);
    EXPECT_EQ(mac.find("systemctl"), std::string::npos);
    EXPECT_EQ(daemon_start_hint("generic"), "`ssocredd &`");
    // The "not running" error carries this build's hint.
    EXPECT_NE(daemon_down_message().find(daemon_start_hint()), std::string::npos);
}

}  // namespace
}  // namespace ssocred::cli
