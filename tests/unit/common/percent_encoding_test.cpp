// ssocred/percent_encoding.hpp: the one percent-encoder and its two decoders.
#include "ssocred/percent_encoding.hpp"

#include <gtest/gtest.h>

namespace ssocred {
namespace {

TEST(PercentEncoding, OnlyUnreservedCharactersStayAsTheyAre) {
    EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
    EXPECT_EQ(percent_encode("a b+c/d?e=f&g%h"), "a%20b%2Bc%2Fd%3Fe%3Df%26g%25h");
    EXPECT_EQ(percent_encode(std::string_view("\0\xff", 2)), "%00%FF");  // upper-case hex
    std::string out = "prefix=";
    append_percent_encoded(out, "x y");
    EXPECT_EQ(out, "prefix=x%20y");
}

TEST(PercentEncoding, EveryByteRoundTripsThroughBothDecoders) {
    std::string all;
    for (int c = 1; c < 256; ++c) all.push_back(static_cast<char>(c));  // NUL: below
    const std::string encoded = percent_encode(all);
    EXPECT_EQ(encoded.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%"),
              std::string::npos);
    EXPECT_EQ(percent_decode(encoded, true), all);
    EXPECT_EQ(percent_decode(encoded, false), all);
    EXPECT_EQ(percent_decode_lenient(encoded), all);
    // The lenient decoder takes an encoded NUL; the strict one refuses it.
    EXPECT_EQ(percent_decode_lenient(percent_encode(std::string_view("a\0b", 3))),
              std::string_view("a\0b", 3));
    EXPECT_FALSE(percent_decode(percent_encode(std::string_view("a\0b", 3)), false));
}

TEST(PercentEncoding, StrictDecodingRefusesWhatIsMalformed) {
    EXPECT_EQ(percent_decode("a%2fb%2Fc", false), "a/b/c");  // either case of hex
    EXPECT_EQ(percent_decode("a+b", false), "a+b");          // a path segment
    EXPECT_EQ(percent_decode("a+b", true), "a b");           // a query component
    for (const char* bad : {"%", "%4", "a%zz", "%g0", "%0g", "%00", "x%"})
        EXPECT_FALSE(percent_decode(bad, true)) << bad;
}

TEST(PercentEncoding, LenientDecodingKeepsMalformedEscapesLiterally) {
    EXPECT_EQ(percent_decode_lenient("a%20b+c%zz"), "a b c%zz");
    EXPECT_EQ(percent_decode_lenient("%"), "%");
    EXPECT_EQ(percent_decode_lenient("%4"), "%4");
    EXPECT_EQ(percent_decode_lenient("100%"), "100%");
    EXPECT_EQ(percent_decode_lenient("%%41"), "%A");
}

}  // namespace
}  // namespace ssocred
