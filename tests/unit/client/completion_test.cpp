#include "completion.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "aws_config_scan.hpp"
#include "commands.hpp"
#include "subprocess.hpp"

namespace ssocred::cli {
namespace {

std::string read(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// client/completions/ is what packagers install; it must match what the binary prints.
TEST(Completion, CommittedScriptsMatchGenerated) {
    const auto dir = testing::source_dir() / ".." / ".." / ".." / "client" / "completions";
    EXPECT_EQ(read(dir / "ssocred.bash"), *completion_script("bash"));
    EXPECT_EQ(read(dir / "_ssocred"), *completion_script("zsh"));
    EXPECT_EQ(read(dir / "ssocred.fish"), *completion_script("fish"));
    EXPECT_FALSE(completion_script("tcsh"));
}

TEST(Completion, MentionsEveryCommandAndFlag) {
    for (auto shell : {"bash", "zsh", "fish"}) {
        auto s = *completion_script(shell);
        for (const auto& c : commands()) {
            EXPECT_NE(s.find(std::string(c.name)), std::string::npos) << shell << " " << c.name;
            for (const auto& f : c.flags) {
                std::string name(shell == std::string("fish") ? f.name.substr(2) : f.name);
                EXPECT_NE(s.find(name), std::string::npos) << shell << " " << f.name;
            }
        }
    }
}

// The scripts' sed expression lists the same profiles as the C++ scan.
TEST(Completion, ProfileScanInScripts) {
    // The indented header follows a header, not a key: under a key it would continue
    // that key's value (configparser's rule, which the C++ scan follows as the daemon does).
    const std::string config =
        "[default]\nregion = us-east-1\n[profile dev]\n  [profile  prod ]\nsso_session = s\n"
        "[sso-session s]\nsso_start_url = x\n[profile]\n# [profile commented]\n";
    const std::string file = ::testing::TempDir() + "/ssocred-completion-config";
    std::ofstream(file) << config;
    auto scanned = scan_config_text(config, "config");
    ASSERT_TRUE(scanned) << scanned.error().message;
    EXPECT_EQ(scanned->profiles, (std::vector<std::string>{"default", "dev", "prod"}));
    EXPECT_EQ(scanned->sso_sessions, (std::vector<std::string>{"s"}));

    auto bash = testing::which("bash");
    if (!bash) GTEST_SKIP();
    const std::string script_file = ::testing::TempDir() + "/ssocred-completion.bash";
    std::ofstream(script_file) << *completion_script("bash");
    auto r = testing::run_program(
        {*bash, "-c", "source \"$SCRIPT\"; _ssocred_profiles; echo --; _ssocred_sessions"},
        {{"SCRIPT", script_file}, {"AWS_CONFIG_FILE", file}});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "default\ndev\nprod\n--\ns\n");
}

}  // namespace
}  // namespace ssocred::cli
