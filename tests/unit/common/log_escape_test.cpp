// escape_for_log: what untrusted text looks like once it is in a log line.
#include "ssocred/log_escape.hpp"

#include <gtest/gtest.h>

namespace ssocred {
namespace {

TEST(LogEscape, ControlBytesCannotForgeLinesOrDriveTerminals) {
    EXPECT_EQ(escape_for_log("role\n2026-01-01T00:00:00Z info forged"),
              "role\\n2026-01-01T00:00:00Z info forged");
    EXPECT_EQ(escape_for_log("a\rb\tc"), "a\\rb\\tc");
    EXPECT_EQ(escape_for_log("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
    EXPECT_EQ(escape_for_log(std::string_view("nul\0x", 5)), "nul\\x00x");
    EXPECT_EQ(escape_for_log("del\x7f"), "del\\x7f");
    EXPECT_EQ(escape_for_log("csi\xc2\x9b"
                             "31m"),
              "csi\\u009b31m");  // C1 CSI in UTF-8
    // The escaping is unambiguous: a literal backslash sequence stays distinguishable.
    EXPECT_EQ(escape_for_log("\\x1b"), "\\\\x1b");
    for (char c = 0; c < 0x20; ++c) {
        const std::string out = escape_for_log(std::string(1, c));
        for (char o : out) EXPECT_GE(static_cast<unsigned char>(o), 0x20u) << int(c);
    }
}

TEST(LogEscape, OrdinaryTextIsKept) {
    EXPECT_EQ(escape_for_log("active role 111111111111/Dev (session 'corp')"),
              "active role 111111111111/Dev (session 'corp')");
    EXPECT_EQ(escape_for_log("Zürich – ü ✓"), "Zürich – ü ✓");  // UTF-8 untouched
    std::string out = "prefix ";
    append_escaped_for_log("x\ny", out);
    EXPECT_EQ(out, "prefix x\\ny");
}

}  // namespace
}  // namespace ssocred
