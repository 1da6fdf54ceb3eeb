// ActiveRoleStore: `<state-dir>/active.json`, read through ssocred/json_fields.hpp. Whatever
// is in the file, load() answers a role, nothing, or an Invalid error; it never throws.
#include "creds/active_role_store.hpp"

#include <gtest/gtest.h>

#include "store/atomic_file.hpp"
#include "support/temp_dir.hpp"

namespace ssocred {
namespace {

class ActiveRoleStoreTest : public ::testing::Test {
  protected:
    Expected<std::optional<ActiveRole>> load_text(const std::string& text) {
        EXPECT_TRUE(write_file_atomic(store.path(), text, 0600));
        return store.load();
    }
    test::TempDir dir;
    ActiveRoleStore store{dir.path()};
};

TEST_F(ActiveRoleStoreTest, NoFileIsNoRole) {
    auto r = store.load();
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
}

TEST_F(ActiveRoleStoreTest, RoundTrips) {
    ActiveRole a;
    a.role.account_id = "111111111111";
    a.role.role_name = "Dev";
    a.role.session = "my-sso";
    a.profile = "dev";
    ASSERT_TRUE(store.save(a));
    auto r = store.load();
    ASSERT_TRUE(r && *r);
    EXPECT_EQ((*r)->role.session, "my-sso");
    EXPECT_EQ((*r)->role.account_id, "111111111111");
    EXPECT_EQ((*r)->role.role_name, "Dev");
    EXPECT_EQ((*r)->profile, "dev");
    ASSERT_TRUE(store.clear());
    r = store.load();
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
}

TEST_F(ActiveRoleStoreTest, OptionalMembersMayBeLeftOutOrNull) {
    auto r = load_text(R"({"account_id":"111111111111","role_name":"Dev"})");
    ASSERT_TRUE(r && *r);
    EXPECT_EQ((*r)->role.session, "");
    EXPECT_FALSE((*r)->profile);
    r = load_text(
        R"({"account_id":"111111111111","role_name":"Dev","session":null,"profile":null})");
    ASSERT_TRUE(r && *r);
    EXPECT_EQ((*r)->role.session, "");
    EXPECT_FALSE((*r)->profile);
}

TEST_F(ActiveRoleStoreTest, MalformedFilesAreInvalid) {
    for (const char* text : {
             "",
             "{",
             "[]",
             "null",
             R"({"role_name":"Dev"})",                                    // account missing
             R"({"account_id":null,"role_name":"Dev"})",                  // null
             R"({"account_id":111111111111,"role_name":"Dev"})",          // wrong type
             R"({"account_id":18446744073709551615,"role_name":"Dev"})",  // huge unsigned
             R"({"account_id":"111111111111","role_name":"Dev","session":7})",
             R"({"account_id":"","role_name":"Dev"})",  // names no role
             R"({"account_id":"111111111111","role_name":""})",
         }) {
        SCOPED_TRACE(text);
        auto r = load_text(text);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, ErrorCode::Invalid);
    }
}

TEST_F(ActiveRoleStoreTest, EmbeddedNulIsKept) {
    auto r = load_text(R"({"account_id":"111111111111","role_name":"D\u0000ev"})");
    ASSERT_TRUE(r && *r);
    EXPECT_EQ((*r)->role.role_name, std::string("D\0ev", 4));
}

}  // namespace
}  // namespace ssocred
