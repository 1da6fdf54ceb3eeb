#include "output.hpp"

#include <sstream>

#include <gtest/gtest.h>

namespace ssocred::cli {
namespace {

TEST(Table, AlignsColumnsAndDropsTrailingSpace) {
    Table t({"ID", "NAME", "NOTE"});
    t.add({"1", "alpha", ""});
    t.add({"1234", "b", "x"});
    std::ostringstream out;
    t.print(out, Style{}, 2);
    EXPECT_EQ(out.str(),
              "  ID    NAME   NOTE\n"
              "  1     alpha\n"
              "  1234  b      x\n");
}

TEST(Table, ColourAndUtf8DoNotBreakAlignment) {
    Style color{true};
    Table t({"A", "B"});
    t.add({color.green("ok"), "1"});
    t.add({"\xC3\xA9t\xC3\xA9", "2"});  // "été": 3 columns, 5 bytes
    std::ostringstream out;
    t.print(out, Style{}, 0);
    EXPECT_EQ(out.str(), "A    B\n\x1b[32mok\x1b[0m   1\n\xC3\xA9t\xC3\xA9  2\n");
    EXPECT_EQ(display_width(color.bold("abc")), 3u);
}

TEST(KeyValues, PadsLabels) {
    KeyValues kv;
    kv.add("A", "1");
    kv.add("Longer", "2");
    std::ostringstream out;
    kv.print(out, Style{});
    EXPECT_EQ(out.str(), "A       1\nLonger  2\n");
}

TEST(Format, Durations) {
    using std::chrono::seconds;
    EXPECT_EQ(format_duration(seconds(5)), "5s");
    EXPECT_EQ(format_duration(seconds(125)), "2m 05s");
    EXPECT_EQ(format_duration(seconds(1500)), "25m");
    EXPECT_EQ(format_duration(seconds(3 * 3600 + 5 * 60)), "3h 05m");
    EXPECT_EQ(format_duration(seconds(2 * 86400 + 4 * 3600)), "2d 4h");
    auto now = std::chrono::system_clock::now();
    EXPECT_EQ(format_relative(now + seconds(90), now), "in 1m 30s");
    EXPECT_EQ(format_relative(now - seconds(300), now), "5m ago");
    EXPECT_EQ(format_when(nullptr, now), "-");
}

}  // namespace
}  // namespace ssocred::cli
