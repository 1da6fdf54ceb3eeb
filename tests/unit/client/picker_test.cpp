// The picker's pieces that need no terminal: fuzzy matching and ranking, the order of the
// roles (the same as `ssocred list`), and key decoding.
#include "picker.hpp"

#include <gtest/gtest.h>

#include "fuzzy.hpp"
#include "role_rows.hpp"

namespace ssocred::cli {
namespace {

using nlohmann::json;

std::vector<std::string> ranked(const std::vector<std::string>& texts, std::string_view pattern) {
    std::vector<std::string> out;
    for (auto i : fuzzy_rank(texts, pattern)) out.push_back(texts[i]);
    return out;
}

TEST(Fuzzy, SubsequenceIgnoringCase) {
    EXPECT_TRUE(fuzzy_score("prod-ro Production 222222222222/ReadOnly", "prod-ro"));
    EXPECT_TRUE(fuzzy_score("prod-ro Production 222222222222/ReadOnly", "PRDRO"));
    EXPECT_TRUE(fuzzy_score("Production 222222222222/ReadOnly", "prod read"));  // every word
    EXPECT_FALSE(fuzzy_score("Production 222222222222/ReadOnly", "prod admin"));
    EXPECT_FALSE(fuzzy_score("dev Dev 111111111111/Admin", "prod"));
    EXPECT_FALSE(fuzzy_score("ab", "abc"));
    EXPECT_FALSE(fuzzy_score("ba", "ab"));  // order matters
    EXPECT_EQ(fuzzy_score("anything", ""), 0);
    EXPECT_EQ(fuzzy_score("anything", "   "), 0);
}

TEST(Fuzzy, ContiguousBeatsScattered) {
    EXPECT_GT(*fuzzy_score("xxreadonly", "read"), *fuzzy_score("rxexaxd", "read"));
    EXPECT_GT(*fuzzy_score("prod-ro", "prod-ro"), *fuzzy_score("prod-admin ReadOnly", "prod-ro"));
}

TEST(Fuzzy, PrefixAndWordBoundaryBeatMiddle) {
    EXPECT_GT(*fuzzy_score("admin", "adm"), *fuzzy_score("badmin", "adm"));
    EXPECT_GT(*fuzzy_score("x-admin", "adm"), *fuzzy_score("xbadmin", "adm"));
    EXPECT_GT(*fuzzy_score("ReadOnlyAccess", "roa"), *fuzzy_score("brooat", "roa"));  // camelCase
}

TEST(Fuzzy, RankBestFirstAndStable) {
    const std::vector<std::string> texts = {
        "prod-admin Production 222222222222/AdministratorAccess",
        "- Production 222222222222/ReadOnly",
        "prod-ro Production 222222222222/ReadOnly",
        "dev Development 111111111111/Admin",
    };
    EXPECT_EQ(ranked(texts, "prod-ro").front(), texts[2]);
    EXPECT_EQ(ranked(texts, "").size(), texts.size());
    EXPECT_EQ(ranked(texts, ""), texts);  // no filter: the given order
    EXPECT_EQ(ranked(texts, "zzz"), std::vector<std::string>{});
    // Equal scores keep the given order.
    EXPECT_EQ(ranked({"b-dev", "a-dev"}, "dev"), (std::vector<std::string>{"b-dev", "a-dev"}));
    EXPECT_EQ(ranked(texts, "111111111111").front(), texts[3]);
}

TEST(RoleRows, OrderOfListProfilesAndActive) {
    const json accounts = {{"session", "s"},
                           {"accounts",
                            {{{"account_id", "222222222222"},
                              {"account_name", "Production"},
                              {"email", "p@x"},
                              {"roles", {"ReadOnly", "Admin"}},
                              {"profiles", {{"ReadOnly", "prod-ro"}}}},
                             {{"account_id", "111111111111"},
                              {"account_name", "Development"},
                              {"email", "d@x"},
                              {"roles", {"Dev"}}}}}};  // an older daemon: no `profiles`
    const json active = {{"session", "s"}, {"account_id", "222222222222"}, {"role_name", "Admin"}};
    const auto rows = role_rows(accounts, active);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].account_name, "Development");  // accounts by name, as `list`
    EXPECT_EQ(rows[0].profile, "");
    EXPECT_EQ(rows[1].role_name, "ReadOnly");  // roles in the daemon's order
    EXPECT_EQ(rows[1].profile, "prod-ro");
    EXPECT_FALSE(rows[1].active);
    EXPECT_EQ(rows[2].role_name, "Admin");
    EXPECT_TRUE(rows[2].active);
    // The active role of another session is not marked.
    json other = active;
    other["session"] = "t";
    for (const auto& r : role_rows(accounts, other)) EXPECT_FALSE(r.active);
}

TEST(Picker, DecodeKeys) {
    std::string in = "a\x1b[A\x1b[B\x7f\r";
    EXPECT_EQ(decode_key(in, false).key, Key::Char);
    EXPECT_EQ(decode_key(in, false).key, Key::Up);
    EXPECT_EQ(decode_key(in, false).key, Key::Down);
    EXPECT_EQ(decode_key(in, false).key, Key::Backspace);
    EXPECT_EQ(decode_key(in, false).key, Key::Enter);
    EXPECT_TRUE(in.empty());
    std::string esc = "\x1b";
    EXPECT_EQ(decode_key(esc, false).key, Key::None);  // maybe the start of a sequence
    EXPECT_EQ(esc.size(), 1u);
    EXPECT_EQ(decode_key(esc, true).key, Key::Escape);
    std::string ctrl_c = "\x03";
    EXPECT_EQ(decode_key(ctrl_c, false).key, Key::Interrupt);
}

}  // namespace
}  // namespace ssocred::cli
