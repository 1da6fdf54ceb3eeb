#include "shell.hpp"

#include <gtest/gtest.h>

namespace ssocred::cli {
namespace {

TEST(Shell, FromName) {
    EXPECT_EQ(shell_from_name("/bin/bash"), Shell::Bash);
    EXPECT_EQ(shell_from_name("-zsh"), Shell::Zsh);
    EXPECT_EQ(shell_from_name("/usr/bin/fish"), Shell::Fish);
    EXPECT_EQ(shell_from_name("dash"), Shell::Sh);
    EXPECT_EQ(shell_from_name("pwsh"), Shell::PowerShell);
    EXPECT_EQ(shell_from_name("tcsh"), std::nullopt);
}

TEST(Shell, PosixQuoting) {
    for (Shell s : {Shell::Sh, Shell::Bash, Shell::Zsh}) {
        EXPECT_EQ(quote(s, "plain"), "'plain'");
        EXPECT_EQ(quote(s, ""), "''");
        EXPECT_EQ(quote(s, "it's"), "'it'\\''s'");
        EXPECT_EQ(quote(s, "$HOME `x` \"q\" \\n"), "'$HOME `x` \"q\" \\n'");
        EXPECT_EQ(quote(s, "a b"), "'a b'");
    }
}

TEST(Shell, FishQuoting) {
    EXPECT_EQ(quote(Shell::Fish, "it's"), "'it\\'s'");
    EXPECT_EQ(quote(Shell::Fish, "back\\slash"), "'back\\\\slash'");
    EXPECT_EQ(quote(Shell::Fish, "$HOME (x) a b"), "'$HOME (x) a b'");
}

TEST(Shell, PowerShellQuoting) {
    EXPECT_EQ(quote(Shell::PowerShell, "it's"), "'it''s'");
    EXPECT_EQ(quote(Shell::PowerShell, "$Env:X `n"), "'$Env:X `n'");
    // U+2019 (right single quotation mark) is a quote to PowerShell too.
    EXPECT_EQ(quote(Shell::PowerShell,
                    "a\xE2\x80\x99"
                    "b"),
              "'a\xE2\x80\x99\xE2\x80\x99"
              "b'");
}

TEST(Shell, RenderOps) {
    EnvOp set{"K", "v 1"};
    EnvOp unset{"K", std::nullopt};
    EXPECT_EQ(render_op(Shell::Bash, set), "export K='v 1';");
    EXPECT_EQ(render_op(Shell::Sh, unset), "unset K;");
    EXPECT_EQ(render_op(Shell::Fish, set), "set -gx K 'v 1';");
    EXPECT_EQ(render_op(Shell::Fish, unset), "set -e K; or true;");
    EXPECT_EQ(render_op(Shell::PowerShell, set), "$Env:K = 'v 1';");
    EXPECT_EQ(render_op(Shell::PowerShell, unset),
              "Remove-Item Env:K -ErrorAction SilentlyContinue;");
}

TEST(Shell, ValidNames) {
    EXPECT_TRUE(valid_env_name("AWS_REGION"));
    EXPECT_TRUE(valid_env_name("no_proxy"));
    EXPECT_FALSE(valid_env_name("1X"));
    EXPECT_FALSE(valid_env_name("A-B"));
    EXPECT_FALSE(valid_env_name(""));
}

}  // namespace
}  // namespace ssocred::cli
