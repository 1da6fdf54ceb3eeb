#include "ssocred/time.hpp"

#include <gtest/gtest.h>

#include "ssocred/crypto.hpp"
#include "ssocred/secret.hpp"

namespace ssocred {
namespace {

TEST(Time, FormatsUtcWithZ) {
    EXPECT_EQ(format_utc(from_epoch_seconds(0)), "1970-01-01T00:00:00Z");
    EXPECT_EQ(format_utc(from_epoch_seconds(1795000000)), "2026-11-18T11:06:40Z");
}

TEST(Time, ParsesZFractionsAndOffsets) {
    EXPECT_EQ(parse_utc("2026-11-18T11:06:40Z"), from_epoch_seconds(1795000000));
    EXPECT_EQ(parse_utc("2026-11-18T11:06:40.123Z"), from_epoch_seconds(1795000000));
    EXPECT_EQ(parse_utc("2026-11-18T12:06:40+01:00"), from_epoch_seconds(1795000000));
    EXPECT_EQ(parse_utc("2026-11-18T10:06:40-0100"), from_epoch_seconds(1795000000));
    EXPECT_EQ(parse_utc("2026-11-18t11:06:40z"), from_epoch_seconds(1795000000));
}

TEST(Time, RejectsGarbage) {
    EXPECT_FALSE(parse_utc(""));
    EXPECT_FALSE(parse_utc("2026-13-18T11:06:40Z"));
    EXPECT_FALSE(parse_utc("2026-02-30T11:06:40Z"));
    EXPECT_FALSE(parse_utc("2026-11-18T11:06:40Q"));
    EXPECT_FALSE(parse_utc("2026-11-18T11:06:40."));
    EXPECT_FALSE(parse_utc("2026-11-18T11:06:40+1:00"));
}

TEST(Time, HttpDateRoundTrip) {
    const auto t = from_epoch_seconds(1795000000);
    EXPECT_EQ(format_http_date(t), "Wed, 18 Nov 2026 11:06:40 GMT");
    EXPECT_EQ(parse_http_date("Wed, 18 Nov 2026 11:06:40 GMT"), t);
    EXPECT_FALSE(parse_http_date("Wed, 18 Foo 2026 11:06:40 GMT"));
}

TEST(Crypto, KnownDigestsAndEncodings) {
    // PROTOCOLS.md §6.1: the AWS CLI cache name of session "my-sso".
    EXPECT_EQ(crypto::sha1_hex("my-sso"), "0ad374308c5a4e22f723adf10145eafad7c4031c");
    // PROTOCOLS.md §3.4: challenge for verifier 'A' x 64.
    EXPECT_EQ(crypto::base64url_encode(crypto::sha256_raw(std::string(64, 'A'))),
              "1T7aemN8mcx_tWbZbp-hCb8VxHhBCj9etNTE4mzQgfY");
    const auto uuid = crypto::random_uuid4();
    ASSERT_EQ(uuid.size(), 36u);
    EXPECT_EQ(uuid[14], '4');
    EXPECT_EQ(crypto::random_hex(32).size(), 64u);
}

TEST(Crypto, HexDecodeIsStrict) {
    EXPECT_EQ(crypto::hex_decode("00ff7fAb"), std::string("\x00\xff\x7f\xab", 4));
    EXPECT_EQ(crypto::hex_decode(crypto::hex_encode("any bytes\n")), "any bytes\n");
    EXPECT_EQ(crypto::hex_decode(""), std::string());
    EXPECT_FALSE(crypto::hex_decode("abc"));   // odd length
    EXPECT_FALSE(crypto::hex_decode("-f00"));  // std::stoi would have read "-f"
    EXPECT_FALSE(crypto::hex_decode(" f00"));
    EXPECT_FALSE(crypto::hex_decode("0x00"));
    EXPECT_EQ(crypto::hex_digit_value('F'), 15);
    EXPECT_EQ(crypto::hex_digit_value('g'), -1);
}

TEST(Secret, ComparesInConstantTimeAndWipesOnMove) {
    Secret a{std::string("token-value")};
    EXPECT_TRUE(a.equals("token-value"));
    EXPECT_FALSE(a.equals("token-valuf"));
    EXPECT_FALSE(a.equals("token"));
    Secret b = std::move(a);
    EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified
    EXPECT_EQ(b.reveal(), "token-value");
}

}  // namespace
}  // namespace ssocred
