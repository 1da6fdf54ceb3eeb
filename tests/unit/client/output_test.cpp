#include "output.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "http_parse.hpp"

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

TEST(HttpParse, ContentLength) {
    auto r = parse_http_response(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok", false);
    EXPECT_EQ(r.state, ParsedResponse::State::Complete);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "ok");
    EXPECT_EQ(r.content_type, "text/plain");
    EXPECT_EQ(parse_http_response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nok", false).state,
              ParsedResponse::State::Incomplete);
    EXPECT_EQ(parse_http_response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nok", true).state,
              ParsedResponse::State::Invalid);
}

TEST(HttpParse, ChunkedAndEof) {
    auto r = parse_http_response(
        "HTTP/1.1 404 Not Found\r\ntransfer-encoding: "
        "chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n",
        false);
    EXPECT_EQ(r.state, ParsedResponse::State::Complete);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body, "abcde");
    auto e = parse_http_response("HTTP/1.0 200 OK\r\n\r\nbody", true);
    EXPECT_EQ(e.state, ParsedResponse::State::Complete);
    EXPECT_EQ(e.body, "body");
    EXPECT_EQ(parse_http_response("garbage\r\n\r\n", false).state, ParsedResponse::State::Invalid);
}

}  // namespace
}  // namespace ssocred::cli
