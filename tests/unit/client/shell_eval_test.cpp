// Renders environment changes for each installed shell, evaluates them the documented
// way, and reads the resulting environment back with `env -0`.
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "shell.hpp"
#include "subprocess.hpp"

namespace ssocred::cli {
namespace {

using ssocred::testing::run_program;
using ssocred::testing::which;

std::map<std::string, std::string> parse_env0(const std::string& text) {
    std::map<std::string, std::string> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find('\0', pos);
        if (end == std::string::npos) end = text.size();
        std::string kv = text.substr(pos, end - pos);
        auto eq = kv.find('=');
        if (eq != std::string::npos) out[kv.substr(0, eq)] = kv.substr(eq + 1);
        pos = end + 1;
    }
    return out;
}

struct ShellCase {
    const char* binary;
    Shell shell;
    // How a user applies the output; $F names a file holding it.
    const char* apply;
};

const ShellCase kShells[] = {
    {"bash", Shell::Bash, "eval \"$(cat \"$F\")\"; env -0"},
    {"dash", Shell::Sh, "eval \"$(cat \"$F\")\"; env -0"},
    {"sh", Shell::Sh, "eval \"$(cat \"$F\")\"; env -0"},
    {"zsh", Shell::Zsh, "eval \"$(cat \"$F\")\"; env -0"},
    {"fish", Shell::Fish, "eval \"$(cat $F)\"; env -0"},
    {"fish", Shell::Fish, "cat $F | source; env -0"},
    {"pwsh", Shell::PowerShell,
     "Get-Content -Raw $Env:F | Invoke-Expression; Get-ChildItem Env: | ForEach-Object { "
     "[Console]::Out.Write($_.Name + '=' + $_.Value + [char]0) }"},
};

const std::vector<EnvOp> kOps = {
    {"SSOCRED_T_QUOTES", "it's a \"test\" with 'quotes'"},
    {"SSOCRED_T_DOLLAR", "$HOME ${HOME} $(id) `id` !! \\n \\ end\\"},
    {"SSOCRED_T_SPACES", "  two  spaces  "},
    {"SSOCRED_T_UNICODE", "\xC3\xBCn\xC3\xAF \xE2\x80\x98q\xE2\x80\x99"},
    {"SSOCRED_T_EMPTY", ""},
    {"SSOCRED_T_GLOB", "* ? [a] ~ ; & | < > # %"},
    {"SSOCRED_T_GONE", std::nullopt},
};

TEST(ShellEval, EveryShellAppliesValuesVerbatim) {
    int ran = 0;
    for (const auto& sc : kShells) {
        auto path = which(sc.binary);
        if (!path) continue;
        ++ran;
        const std::string file = ::testing::TempDir() + "/ssocred-env-" + sc.binary;
        std::ofstream(file) << render_ops(sc.shell, kOps);
        std::vector<std::string> argv = {*path, "-c", sc.apply};
        if (sc.shell == Shell::PowerShell) argv = {*path, "-NoProfile", "-Command", sc.apply};
        auto r = run_program(argv, {{"F", file}, {"SSOCRED_T_GONE", "present"}});
        ASSERT_EQ(r.status, 0) << sc.binary << " " << sc.apply << "\n" << r.err;
        auto env = parse_env0(r.out);
        for (const auto& op : kOps) {
            if (op.value) {
                ASSERT_TRUE(env.count(op.name)) << sc.binary << ": " << op.name << " missing";
                EXPECT_EQ(env[op.name], *op.value) << sc.binary << " (" << sc.apply << ")";
            } else {
                EXPECT_FALSE(env.count(op.name)) << sc.binary << ": " << op.name << " still set";
            }
        }
        // The unset of a variable that does not exist must not fail either.
        auto again = run_program(argv, {{"F", file}, {"SSOCRED_T_GONE", std::nullopt}});
        EXPECT_EQ(again.status, 0) << sc.binary << again.err;
    }
    if (ran == 0) GTEST_SKIP() << "no shell found";
}

}  // namespace
}  // namespace ssocred::cli
