// session_codec: the state file's members, read through ssocred/json_fields.hpp. A member
// that is required and missing, or present with the wrong type, is an Invalid document (the
// store sets the file aside); an optional one left out, or null, is its default.
#include "store/session_codec.hpp"

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "store/state_cipher.hpp"
#include "store_test_util.hpp"

namespace ssocred {
namespace {

using nlohmann::json;
using test::sample_state;

class SessionCodecTest : public ::testing::Test {
  protected:
    // The file the codec writes for sample_state(), parsed.
    json encoded(const TokenState& state = sample_state()) {
        auto text = encode_session_state(state, key);
        EXPECT_TRUE(text);
        return json::parse(text ? *text : std::string("{}"));
    }
    Expected<TokenState> decode(json j) { return decode_session_state(j, key); }

    Secret key = state_cipher::generate_key();
};

TEST_F(SessionCodecTest, RoundTripsAndOptionalMembersDefault) {
    auto out = decode(encoded());
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(out->session, "my-sso");
    EXPECT_EQ(out->region, "us-east-1");
    ASSERT_TRUE(out->registration);
    EXPECT_EQ(out->registration->scopes, std::vector<std::string>{"sso:account:access"});

    json j = encoded();
    for (const char* name : {"startUrl", "region", "loginRequired"}) j.erase(name);
    j["sessionStartedAt"] = nullptr;
    j["learnedSessionLengthSeconds"] = nullptr;
    j["registration"].erase("scopes");
    j["registration"]["grantTypes"] = nullptr;
    out = decode(j);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(out->start_url, "");
    EXPECT_EQ(out->region, "");
    EXPECT_FALSE(out->login_required);
    EXPECT_FALSE(out->session_started_at);
    EXPECT_FALSE(out->learned_session_length);
    EXPECT_TRUE(out->registration->scopes.empty());
    EXPECT_TRUE(out->registration->grant_types.empty());
    EXPECT_TRUE(out->access_token.equals("aoa-ACCESS-TOKEN-1"));
}

TEST_F(SessionCodecTest, NullRegistrationIsNone) {
    json j = encoded();
    j["registration"] = nullptr;
    auto out = decode(j);
    ASSERT_TRUE(out);
    EXPECT_FALSE(out->registration);
}

TEST_F(SessionCodecTest, MissingOrMistypedMembersAreInvalid) {
    const json bad_values[] = {json(nullptr), json(7), json(true), json("x"), json::array()};
    // Required members: missing, null, or any other type is Invalid.
    for (const char* name : {"session", "accessTokenExpiresAt", "issuedAt", "sealed"}) {
        SCOPED_TRACE(name);
        json missing = encoded();
        missing.erase(name);
        auto out = decode(missing);
        ASSERT_FALSE(out);
        EXPECT_EQ(out.error().code, ErrorCode::Invalid);
        for (const json& v : bad_values) {
            json j = encoded();
            j[name] = v;
            EXPECT_FALSE(decode(j)) << v.dump();
        }
    }
    // Optional members of the wrong type: a corrupt file, not the default.
    const std::pair<const char*, json> mistyped[] = {
        {"startUrl", json(1)},
        {"region", json(false)},
        {"loginRequired", json("yes")},
        {"loginRequired", json(1)},
        {"sessionStartedAt", json(1)},
        {"learnedSessionLengthSeconds", json("28800")},
        {"learnedSessionLengthSeconds", json(1.5)},
        // Above INT64_MAX: once wrapped to a negative length (read as "none").
        {"learnedSessionLengthSeconds", json(std::numeric_limits<std::uint64_t>::max())},
        {"registration", json("client")},
    };
    for (const auto& entry : mistyped) {
        const std::string name = entry.first;
        const json value = entry.second;
        SCOPED_TRACE(name + "=" + value.dump());
        json j = encoded();
        j[name] = value;
        auto out = decode(j);
        ASSERT_FALSE(out);
        EXPECT_EQ(out.error().code, ErrorCode::Invalid);
    }
    for (const char* name : {"clientId", "expiresAt", "grantTypes", "scopes"}) {
        SCOPED_TRACE(name);
        json j = encoded();
        j["registration"][name] = 42;
        EXPECT_FALSE(decode(j));
    }
    json hole = encoded();
    hole["registration"]["scopes"] = json::array({"sso:account:access", 1});
    EXPECT_FALSE(decode(hole));
}

TEST_F(SessionCodecTest, NegativeLearnedLengthIsNone) {
    json j = encoded();
    j["learnedSessionLengthSeconds"] = -5;
    auto out = decode(j);
    ASSERT_TRUE(out);
    EXPECT_FALSE(out->learned_session_length);
    j = encoded();
    j["learnedSessionLengthSeconds"] = 28800;
    out = decode(j);
    ASSERT_TRUE(out);
    EXPECT_EQ(out->learned_session_length, std::chrono::seconds(28800));
}

TEST_F(SessionCodecTest, ErrorsNameTheMemberNotTheValue) {
    json j = encoded();
    j["issuedAt"] = 1794996400;
    auto out = decode(j);
    ASSERT_FALSE(out);
    EXPECT_NE(out.error().message.find("issuedAt"), std::string::npos);
    EXPECT_EQ(out.error().message.find("1794996400"), std::string::npos);
}

TEST_F(SessionCodecTest, EmbeddedNulSurvivesInPlainMembers) {
    TokenState s = sample_state();
    s.region = std::string("us-\0east-1", 10);
    auto out = decode(encoded(s));
    ASSERT_TRUE(out);
    EXPECT_EQ(out->region, s.region);
}

}  // namespace
}  // namespace ssocred
