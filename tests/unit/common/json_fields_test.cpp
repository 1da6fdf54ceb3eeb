// ssocred/json_fields.hpp: the daemon's one set of JSON member readers.
#include "ssocred/json_fields.hpp"

#include <gtest/gtest.h>

namespace ssocred {
namespace {

using nlohmann::json;

TEST(JsonFields, ReadMembersOnlyOfTheirType) {
    const json j = {{"s", "text"}, {"b", true}, {"i", 42},
                    {"f", 3600.0}, {"g", 1.5},  {"n", nullptr}};
    EXPECT_EQ(jf::string_member(j, "s"), "text");
    EXPECT_FALSE(jf::string_member(j, "b"));
    EXPECT_FALSE(jf::string_member(j, "missing"));
    EXPECT_EQ(jf::bool_member(j, "b"), true);
    EXPECT_FALSE(jf::bool_member(j, "s"));
    EXPECT_FALSE(jf::bool_member(j, "n"));
    EXPECT_EQ(jf::int_member(j, "i"), 42);
    EXPECT_EQ(jf::int_member(j, "f"), 3600);
    EXPECT_FALSE(jf::int_member(j, "g"));
    EXPECT_FALSE(jf::int_member(j, "s"));
    // Not an object: nothing to read, no exception.
    for (const json& other : {json::array({1}), json("s"), json(nullptr)}) {
        EXPECT_EQ(jf::member(other, "s"), nullptr);
        EXPECT_FALSE(jf::string_member(other, "s"));
        EXPECT_FALSE(jf::bool_member(other, "s"));
    }
    EXPECT_FALSE(jf::parse_object("[1]"));
    EXPECT_FALSE(jf::parse_object("{"));
    EXPECT_TRUE(jf::parse_object("{}"));
}

TEST(JsonFields, ASecretLeavesNoCopyInTheDocument) {
    json j = {{"token", "s3cret"}, {"nested", {{"k", "v"}}}};
    const auto secret = jf::secret_member(j, "token");
    ASSERT_TRUE(secret);
    EXPECT_TRUE(secret->equals("s3cret"));
    EXPECT_NE(j["token"].get<std::string>(), "s3cret");
    jf::wipe(j);
    EXPECT_NE(j["nested"]["k"].get<std::string>(), "v");
}

}  // namespace
}  // namespace ssocred
