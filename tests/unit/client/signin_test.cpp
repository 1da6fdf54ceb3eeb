// The decisions behind a sign-in: which flow suits the terminal, how $BROWSER is read (as
// Python's webbrowser reads it), and the SSOCRED_NO_LOGIN setting.
#include "signin.hpp"

#include <map>

#include <gtest/gtest.h>

#include "browser_command.hpp"
#include "login_flow.hpp"

namespace ssocred::cli {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(std::string(name));
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

TEST(FlowChoice, DesktopSessionUsesPkce) {
    auto c = choose_flow(false, env_of({{"DISPLAY", ":0"}}), true);
    EXPECT_EQ(c.flow, SigninFlow::Pkce);
    c = choose_flow(false, env_of({{"WAYLAND_DISPLAY", "wayland-0"}}), true);
    EXPECT_EQ(c.flow, SigninFlow::Pkce);
}

TEST(FlowChoice, NoDisplayUsesDeviceCodeAndSaysWhy) {
    auto c = choose_flow(false, env_of({}), true);
    EXPECT_EQ(c.flow, SigninFlow::DeviceCode);
    EXPECT_NE(c.reason.find("no display"), std::string::npos) << c.reason;
    // An empty DISPLAY is no display.
    EXPECT_EQ(choose_flow(false, env_of({{"DISPLAY", ""}}), true).flow, SigninFlow::DeviceCode);
}

TEST(FlowChoice, SshUsesDeviceCodeEvenWithAForwardedDisplay) {
    for (const char* var : {"SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT"}) {
        auto c = choose_flow(false, env_of({{"DISPLAY", "localhost:10.0"}, {var, "x"}}), true);
        EXPECT_EQ(c.flow, SigninFlow::DeviceCode) << var;
        EXPECT_NE(c.reason.find("SSH"), std::string::npos) << c.reason;
    }
}

TEST(FlowChoice, ALayerBlindToTcpOwnersUsesDeviceCodeOnADesktopToo) {
    // The generic layer: the PKCE listener could not refuse another user's connection.
    auto c = choose_flow(false, env_of({{"DISPLAY", ":0"}}), true, false);
    EXPECT_EQ(c.flow, SigninFlow::DeviceCode);
    EXPECT_NE(c.reason.find("local user"), std::string::npos) << c.reason;
    EXPECT_EQ(choose_flow(false, env_of({}), false, false).flow, SigninFlow::DeviceCode);
    // --use-device-code keeps its own reason.
    EXPECT_NE(choose_flow(true, env_of({}), false, false).reason.find("--use-device-code"),
              std::string::npos);
}

TEST(FlowChoice, MacNeedsNoDisplayVariable) {
    EXPECT_EQ(choose_flow(false, env_of({}), false).flow, SigninFlow::Pkce);
    EXPECT_EQ(choose_flow(false, env_of({{"SSH_TTY", "/dev/pts/1"}}), false).flow,
              SigninFlow::DeviceCode);
}

TEST(FlowChoice, FlagForcesDeviceCode) {
    auto c = choose_flow(true, env_of({{"DISPLAY", ":0"}}), true);
    EXPECT_EQ(c.flow, SigninFlow::DeviceCode);
    EXPECT_NE(c.reason.find("--use-device-code"), std::string::npos);
}

const std::string kUrl = "https://example.com/a?b=c&d=e";

TEST(BrowserCommand, PlainEntryGetsTheUrlAsItsArgument) {
    auto cmds = browser_commands("firefox", kUrl);
    ASSERT_EQ(cmds.size(), 1u);
    EXPECT_EQ(cmds[0].argv, (std::vector<std::string>{"firefox", kUrl}));
    EXPECT_FALSE(cmds[0].background);
    // Not split at spaces (Python runs the whole entry as the program name).
    cmds = browser_commands("/opt/My Browser/run", kUrl);
    ASSERT_EQ(cmds.size(), 1u);
    EXPECT_EQ(cmds[0].argv, (std::vector<std::string>{"/opt/My Browser/run", kUrl}));
}

TEST(BrowserCommand, ColonSeparatedListInOrderSkippingEmptyEntries) {
    auto cmds = browser_commands("w3m::lynx:", kUrl);
    ASSERT_EQ(cmds.size(), 2u);
    EXPECT_EQ(cmds[0].argv[0], "w3m");
    EXPECT_EQ(cmds[1].argv[0], "lynx");
    EXPECT_TRUE(browser_commands("", kUrl).empty());
    EXPECT_TRUE(browser_commands(":", kUrl).empty());
}

TEST(BrowserCommand, PercentSIsReplacedAndTheLineSplitLikeAShell) {
    auto cmds = browser_commands("chromium --new-window '%s'", kUrl);
    ASSERT_EQ(cmds.size(), 1u);
    EXPECT_EQ(cmds[0].argv, (std::vector<std::string>{"chromium", "--new-window", kUrl}));
    cmds = browser_commands(R"(sh -c "echo \"%s\" > /tmp/x" x)", kUrl);
    ASSERT_EQ(cmds.size(), 1u);
    EXPECT_EQ(cmds[0].argv,
              (std::vector<std::string>{"sh", "-c", "echo \"" + kUrl + "\" > /tmp/x", "x"}));
    cmds = browser_commands("open --url=%s --again=%s", kUrl);
    ASSERT_EQ(cmds.size(), 1u);
    EXPECT_EQ(cmds[0].argv, (std::vector<std::string>{"open", "--url=" + kUrl, "--again=" + kUrl}));
}

TEST(BrowserCommand, TrailingAmpersandRunsInTheBackground) {
    auto cmds = browser_commands("firefox %s &:w3m", kUrl);
    ASSERT_EQ(cmds.size(), 2u);
    EXPECT_EQ(cmds[0].argv, (std::vector<std::string>{"firefox", kUrl}));
    EXPECT_TRUE(cmds[0].background);
    EXPECT_FALSE(cmds[1].background);
}

TEST(NoLoginSetting, TruthyValuesOnly) {
    EXPECT_FALSE(no_login_setting(env_of({})));
    for (const char* off : {"", "0", "false", "no", "OFF"})
        EXPECT_FALSE(no_login_setting(env_of({{"SSOCRED_NO_LOGIN", off}}))) << off;
    for (const char* on : {"1", "true", "yes"})
        EXPECT_TRUE(no_login_setting(env_of({{"SSOCRED_NO_LOGIN", on}}))) << on;
}

TEST(NeedsSignin, OnlyLoginRequired) {
    Error e = Error::make(ErrorCode::LoginRequired, "x");
    e.upstream_type = "login_required";
    EXPECT_TRUE(needs_signin(e));
    e.upstream_type = "not_found";
    EXPECT_FALSE(needs_signin(e));
}

}  // namespace
}  // namespace ssocred::cli
