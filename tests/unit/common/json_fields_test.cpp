// ssocred/json_fields.hpp: the one set of JSON member readers (daemon and client), and the
// client's names for them (client/json_util.hpp). Every reader against the same document:
// missing, null, wrong type, right type, huge unsigned, negative, embedded NUL.
#include "ssocred/json_fields.hpp"

#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "json_util.hpp"

namespace ssocred {
namespace {

using nlohmann::json;
using namespace std::string_literals;

constexpr auto kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr auto kInt64Min = std::numeric_limits<std::int64_t>::min();

// Parsed from text, as every body the readers see is: nlohmann then keeps non-negative
// integers as unsigned, negative ones as signed, anything with a point or exponent as double.
const json& doc() {
    static const json j = json::parse(R"({
        "null": null,
        "str": "text",
        "nul": "a\u0000b",
        "empty": "",
        "yes": true,
        "no": false,
        "int": 42,
        "zero": 0,
        "neg": -7,
        "int64_max": 9223372036854775807,
        "int64_min": -9223372036854775808,
        "above_int64": 9223372036854775808,
        "uint64_max": 18446744073709551615,
        "whole": 3600.0,
        "neg_whole": -60.0,
        "frac": 1.5,
        "big_float": 1e300,
        "neg_big_float": -1e19,
        "strings": ["a", "b\u0000c"],
        "empty_list": [],
        "mixed": ["a", 1],
        "obj": {"k": "v"}
    })");
    return j;
}

TEST(JsonFields, ParseObjectAcceptsOnlyAnObject) {
    EXPECT_TRUE(jf::parse_object("{}"));
    EXPECT_TRUE(jf::parse_object(R"({"a":1})"));
    EXPECT_FALSE(jf::parse_object("[1]"));
    EXPECT_FALSE(jf::parse_object("\"s\""));
    EXPECT_FALSE(jf::parse_object("null"));
    EXPECT_FALSE(jf::parse_object("{"));
    EXPECT_FALSE(jf::parse_object(""));
    EXPECT_FALSE(jf::parse_object(R"({"n":1e400})"));  // beyond double: no exception
}

TEST(JsonFields, MemberAbsentAndMemberOrNull) {
    EXPECT_EQ(jf::member(doc(), "missing"), nullptr);
    ASSERT_NE(jf::member(doc(), "null"), nullptr);
    EXPECT_TRUE(jf::member(doc(), "null")->is_null());
    EXPECT_EQ(*jf::member(doc(), "int"), 42);
    EXPECT_TRUE(jf::absent(doc(), "missing"));
    EXPECT_TRUE(jf::absent(doc(), "null"));
    EXPECT_FALSE(jf::absent(doc(), "zero"));
    EXPECT_FALSE(jf::absent(doc(), "empty"));
    EXPECT_FALSE(jf::absent(doc(), "no"));
    EXPECT_TRUE(jf::member_or_null(doc(), "missing").is_null());
    EXPECT_TRUE(jf::member_or_null(doc(), "null").is_null());
    EXPECT_EQ(jf::member_or_null(doc(), "str"), "text");
    // A key with an embedded NUL is a different key, not a truncated one.
    const json k = {{"a"s, 1}, {"a\0b"s, 2}};
    EXPECT_EQ(jf::int_member(k, "a\0b"s), 2);
    EXPECT_EQ(jf::int_member(k, "a"), 1);
}

TEST(JsonFields, StringReaders) {
    EXPECT_EQ(jf::string_member(doc(), "str"), "text");
    EXPECT_EQ(jf::string_member(doc(), "empty"), "");
    EXPECT_EQ(jf::string_member(doc(), "nul"), "a\0b"s);  // all three bytes
    EXPECT_EQ(jf::string_view_member(doc(), "nul"), "a\0b"s);
    EXPECT_EQ(jf::string_or(doc(), "nul"), "a\0b"s);
    for (const char* key :
         {"missing", "null", "int", "yes", "neg", "uint64_max", "strings", "obj"}) {
        SCOPED_TRACE(key);
        EXPECT_FALSE(jf::string_member(doc(), key));
        EXPECT_FALSE(jf::string_view_member(doc(), key));
        EXPECT_EQ(jf::string_or(doc(), key), "");
        EXPECT_EQ(jf::string_or(doc(), key, "fallback"), "fallback");
    }
    EXPECT_EQ(jf::string_member_or(doc(), "str", "x"), "text");
    EXPECT_EQ(jf::string_member_or(doc(), "missing", "x"), "x");
    EXPECT_EQ(jf::string_member_or(doc(), "null", "x"), "x");
    EXPECT_FALSE(jf::string_member_or(doc(), "int", "x"));  // mistyped: not the fallback
    EXPECT_FALSE(jf::string_member_or(doc(), "no", "x"));
}

TEST(JsonFields, BoolReaders) {
    EXPECT_EQ(jf::bool_member(doc(), "yes"), true);
    EXPECT_EQ(jf::bool_member(doc(), "no"), false);
    EXPECT_TRUE(jf::bool_or(doc(), "yes"));
    EXPECT_FALSE(jf::bool_or(doc(), "no", true));
    // 1, "true" and 0 are not booleans.
    for (const char* key : {"missing", "null", "int", "zero", "str", "nul", "neg", "uint64_max"}) {
        SCOPED_TRACE(key);
        EXPECT_FALSE(jf::bool_member(doc(), key));
        EXPECT_FALSE(jf::bool_or(doc(), key));
        EXPECT_TRUE(jf::bool_or(doc(), key, true));
    }
    EXPECT_EQ(jf::bool_member_or(doc(), "yes", false), true);
    EXPECT_EQ(jf::bool_member_or(doc(), "missing", true), true);
    EXPECT_EQ(jf::bool_member_or(doc(), "null", false), false);
    EXPECT_FALSE(jf::bool_member_or(doc(), "int", false));
    EXPECT_FALSE(jf::bool_member_or(doc(), "str", false));
}

TEST(JsonFields, IntReadersTakeWholeNumbersThatFitInt64) {
    EXPECT_EQ(jf::int_member(doc(), "int"), 42);
    EXPECT_EQ(jf::int_member(doc(), "zero"), 0);
    EXPECT_EQ(jf::int_member(doc(), "neg"), -7);
    EXPECT_EQ(jf::int_member(doc(), "int64_max"), kInt64Max);
    EXPECT_EQ(jf::int_member(doc(), "int64_min"), kInt64Min);
    EXPECT_EQ(jf::int_member(doc(), "whole"), 3600);  // some emitters write 3600.0
    EXPECT_EQ(jf::int_member(doc(), "neg_whole"), -60);
    // Above INT64_MAX: absent, never wrapped to a negative value.
    EXPECT_FALSE(jf::int_member(doc(), "above_int64"));
    EXPECT_FALSE(jf::int_member(doc(), "uint64_max"));
    for (const char* key : {"missing", "null", "str", "nul", "yes", "frac", "big_float",
                            "neg_big_float", "strings", "obj", "above_int64", "uint64_max"}) {
        SCOPED_TRACE(key);
        EXPECT_FALSE(jf::int_member(doc(), key));
        EXPECT_EQ(jf::int_or(doc(), key, 5), 5);
    }
    EXPECT_EQ(jf::int_or(doc(), "neg", 5), -7);
    EXPECT_EQ(jf::int_member_or(doc(), "int", 5), 42);
    EXPECT_EQ(jf::int_member_or(doc(), "missing", 5), 5);
    EXPECT_EQ(jf::int_member_or(doc(), "null", 5), 5);
    EXPECT_FALSE(jf::int_member_or(doc(), "str", 5));
    EXPECT_FALSE(jf::int_member_or(doc(), "uint64_max", 5));  // present but unreadable
    EXPECT_FALSE(jf::int_member_or(doc(), "frac", 5));
}

TEST(JsonFields, ArrayAndObjectReaders) {
    ASSERT_NE(jf::array_member(doc(), "strings"), nullptr);
    EXPECT_EQ(jf::array_member(doc(), "strings")->size(), 2u);
    EXPECT_EQ(jf::array_member(doc(), "obj"), nullptr);
    EXPECT_EQ(jf::object_member(doc(), "strings"), nullptr);
    ASSERT_NE(jf::object_member(doc(), "obj"), nullptr);
    EXPECT_EQ(jf::string_member(*jf::object_member(doc(), "obj"), "k"), "v");
    EXPECT_EQ(jf::array_or_empty(doc(), "strings").size(), 2u);
    for (const char* key : {"missing", "null", "str", "int", "uint64_max", "obj"}) {
        SCOPED_TRACE(key);
        EXPECT_EQ(jf::array_member(doc(), key), nullptr);
        EXPECT_TRUE(jf::array_or_empty(doc(), key).is_array());
        EXPECT_TRUE(jf::array_or_empty(doc(), key).empty());
        EXPECT_FALSE(jf::string_array_member(doc(), key));
    }
    EXPECT_EQ(jf::string_array_member(doc(), "strings"), (std::vector<std::string>{"a", "b\0c"s}));
    EXPECT_EQ(jf::string_array_member(doc(), "empty_list"), std::vector<std::string>());
    EXPECT_FALSE(jf::string_array_member(doc(), "mixed"));  // a hole is not the list meant
    EXPECT_EQ(jf::string_array_member_or(doc(), "missing"), std::vector<std::string>());
    EXPECT_EQ(jf::string_array_member_or(doc(), "null"), std::vector<std::string>());
    EXPECT_FALSE(jf::string_array_member_or(doc(), "mixed"));
    EXPECT_FALSE(jf::string_array_member_or(doc(), "str"));
}

TEST(JsonFields, NotAnObjectHasNoMembers) {
    for (const json& other : {json::array({1}), json("s"), json(nullptr), json(7)}) {
        EXPECT_EQ(jf::member(other, "s"), nullptr);
        EXPECT_TRUE(jf::absent(other, "s"));
        EXPECT_FALSE(jf::string_member(other, "s"));
        EXPECT_FALSE(jf::bool_member(other, "s"));
        EXPECT_FALSE(jf::int_member(other, "s"));
        EXPECT_TRUE(jf::member_or_null(other, "s").is_null());
        EXPECT_TRUE(jf::array_or_empty(other, "s").empty());
        EXPECT_EQ(jf::string_or(other, "s", "f"), "f");
    }
}

TEST(JsonFields, ASecretLeavesNoCopyInTheDocument) {
    json j = json::parse(R"({"token":"s3cret","nul":"x\u0000y","n":1,"nested":{"k":"v"}})");
    const auto secret = jf::secret_member(j, "token");
    ASSERT_TRUE(secret);
    EXPECT_TRUE(secret->equals("s3cret"));
    EXPECT_NE(j["token"].get<std::string>(), "s3cret");
    const auto with_nul = jf::secret_member(j, "nul");
    ASSERT_TRUE(with_nul);
    EXPECT_TRUE(with_nul->equals("x\0y"s));
    EXPECT_FALSE(jf::secret_member(j, "missing"));
    EXPECT_FALSE(jf::secret_member(j, "n"));
    json not_object = json::array({"s3cret"});
    EXPECT_FALSE(jf::secret_member(not_object, "token"));
    jf::wipe(j);
    EXPECT_NE(j["nested"]["k"].get<std::string>(), "v");
}

// The client's names (client/json_util.hpp) for the same readers.
TEST(JsonFields, ClientNamesReadTheSameWay) {
    EXPECT_TRUE(cli::member(doc(), "missing").is_null());
    EXPECT_EQ(cli::member(doc(), "str"), "text");
    EXPECT_EQ(cli::opt_str(doc(), "nul"), "a\0b"s);
    EXPECT_FALSE(cli::opt_str(doc(), "int"));
    EXPECT_FALSE(cli::opt_str(doc(), "null"));
    EXPECT_EQ(cli::str(doc(), "str"), "text");
    EXPECT_EQ(cli::str(doc(), "missing", "?"), "?");
    EXPECT_EQ(cli::str(doc(), "yes", "?"), "?");
    EXPECT_TRUE(cli::flag(doc(), "yes"));
    EXPECT_FALSE(cli::flag(doc(), "no"));
    EXPECT_FALSE(cli::flag(doc(), "int"));
    EXPECT_FALSE(cli::flag(doc(), "null"));
    EXPECT_EQ(cli::arr(doc(), "strings").size(), 2u);
    EXPECT_TRUE(cli::arr(doc(), "obj").empty());
    EXPECT_TRUE(cli::arr(doc(), "missing").empty());
}

TEST(JsonFields, ClientNumbersOutOfRangeAreAbsentNotClampedOrWrapped) {
    EXPECT_EQ(cli::num(doc(), "int"), 42);
    EXPECT_EQ(cli::num(doc(), "neg"), -7);
    EXPECT_EQ(cli::num(doc(), "whole"), 3600);
    EXPECT_EQ(cli::num(doc(), "int64_max"), kInt64Max);
    for (const char* key : {"missing", "null", "str", "yes", "frac", "above_int64", "uint64_max",
                            "big_float", "neg_big_float", "int64_min"}) {
        SCOPED_TRACE(key);
        EXPECT_EQ(cli::num(doc(), key), 0);
        EXPECT_EQ(cli::num(doc(), key, -1), -1);
    }
}

TEST(JsonFields, ClientDescribesARole) {
    EXPECT_EQ(cli::describe_role(json(nullptr)), "none");
    EXPECT_EQ(cli::describe_role(json::parse(R"({"account_id":"111111111111","role_name":"Dev"})")),
              "111111111111/Dev");
    EXPECT_EQ(cli::describe_role(json::parse(
                  R"({"account_id":"111111111111","role_name":"Dev","profile":"dev"})")),
              "dev (111111111111/Dev)");
    EXPECT_EQ(cli::describe_role(
                  json::parse(R"({"account_id":"111111111111","role_name":"Dev","profile":null})")),
              "111111111111/Dev");
}

}  // namespace
}  // namespace ssocred
