// ssocred/json_string.hpp: the one JSON string escaper (credential bodies, JSON log lines).
#include "ssocred/json_string.hpp"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ssocred {
namespace {

std::string escaped(std::string_view s, JsonControls controls = JsonControls::Required) {
    std::string out;
    write_json_string_content(
        s, [&out](std::string_view piece) { out += piece; }, controls);
    return out;
}

TEST(JsonString, EscapesWhatRfc8259Requires) {
    EXPECT_EQ(escaped("plain"), "plain");
    EXPECT_EQ(escaped("a\"b\\c"), "a\\\"b\\\\c");
    EXPECT_EQ(escaped(std::string_view("\0\n\x1f", 3)), "\\u0000\\u000a\\u001f");
    EXPECT_EQ(escaped("del\x7f"), "del\x7f");
    EXPECT_EQ(escaped("csi\xc2\x9b"), "csi\xc2\x9b");
    EXPECT_EQ(escaped("caf\xc3\xa9"), "caf\xc3\xa9");
}

TEST(JsonString, ForTerminalsAlsoEscapesDelAndC1Controls) {
    constexpr auto kTerminal = JsonControls::AlsoTerminalControls;
    EXPECT_EQ(escaped("a\"b\\c\n", kTerminal), "a\\\"b\\\\c\\u000a");
    EXPECT_EQ(escaped("del\x7f", kTerminal), "del\\u007f");
    EXPECT_EQ(escaped("csi\xc2\x9b"
                      "31m",
                      kTerminal),
              "csi\\u009b31m");
    EXPECT_EQ(escaped("\xc2\x80\xc2\x9f\xc2\xa0", kTerminal), "\\u0080\\u009f\xc2\xa0");
    EXPECT_EQ(escaped("end\xc2", kTerminal), "end\xc2");  // a lone lead byte is not C1
    EXPECT_EQ(escaped("caf\xc3\xa9", kTerminal), "caf\xc3\xa9");
}

TEST(JsonString, BothFormsParseBackToTheSameText) {
    const std::string text = "q\"b\\s\x01\x7f\xc2\x85 caf\xc3\xa9";
    for (const auto controls : {JsonControls::Required, JsonControls::AlsoTerminalControls}) {
        const auto parsed = nlohmann::json::parse("\"" + escaped(text, controls) + "\"");
        EXPECT_EQ(parsed.get<std::string>(), text);
    }
}

}  // namespace
}  // namespace ssocred
