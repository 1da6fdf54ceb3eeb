#include "ssocred/suggest.hpp"

#include <gtest/gtest.h>

namespace ssocred {
namespace {

TEST(Suggest, EditDistanceCountsASwapAsOneEdit) {
    EXPECT_EQ(edit_distance("staging", "staging"), 0u);
    EXPECT_EQ(edit_distance("stagign", "staging"), 1u);  // swapped pair
    EXPECT_EQ(edit_distance("stging", "staging"), 1u);
    EXPECT_EQ(edit_distance("", "abc"), 3u);
    EXPECT_EQ(edit_distance("PROD", "prod"), 0u);  // case is not a typo worth reporting
}

TEST(Suggest, ClosestNamesFirstAndOnlyCloseOnes) {
    const std::vector<std::string> names = {"dev", "staging", "prod-ro", "prod-admin", "default"};
    EXPECT_EQ(closest_names("stagign", names), std::vector<std::string>{"staging"});
    EXPECT_EQ(closest_names("prod-r0", names), std::vector<std::string>{"prod-ro"});
    EXPECT_TRUE(closest_names("completely-different", names).empty());
    EXPECT_TRUE(closest_names("", names).empty());
    // A name cut short.
    const auto prod = closest_names("prod", names);
    EXPECT_EQ(prod.size(), 2u);
}

TEST(Suggest, DidYouMeanSentence) {
    EXPECT_EQ(did_you_mean("stagign", {"staging", "dev"}), "; did you mean 'staging'?");
    EXPECT_EQ(did_you_mean("prod", {"prod-ro", "prod-admin", "dev"}),
              "; did you mean 'prod-ro' or 'prod-admin'?");
    EXPECT_EQ(did_you_mean("zzz", {"dev"}), "");
}

}  // namespace
}  // namespace ssocred
