// The control socket's directory checks (issue 16, item 1): what the daemon creates and
// refuses before it binds, and what the CLI refuses before it connects. The squatter cases
// need another owner: they chown to `nobody` and run only as root.
#include "ssocred/private_dir.hpp"

#include <optional>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace ssocred {
namespace {

namespace fs = std::filesystem;

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
}

std::optional<uid_t> nobody() {
    const passwd* pw = ::getpwnam("nobody");
    if (pw == nullptr || pw->pw_uid == ::getuid()) return std::nullopt;
    return pw->pw_uid;
}

// A stand-in for /tmp: root-owned (we are root when these run), sticky, world-writable.
fs::path shared_tmp(const test::TempDir& t) {
    const fs::path s = t / "tmp";
    fs::create_directory(s);
    ::chmod(s.c_str(), 01777);
    return s;
}

TEST(PrivateDir, CreatesTheMissingChainPrivate) {
    test::TempDir t;
    const fs::path dir = shared_tmp(t) / "ssocred-1000" / "ssocred";
    ASSERT_TRUE(prepare_private_dir(dir)) << prepare_private_dir(dir).error().message;
    EXPECT_EQ(mode_of(dir.parent_path()), 0700u);
    EXPECT_EQ(mode_of(dir), 0700u);
    EXPECT_TRUE(check_private_dir(dir));
    EXPECT_TRUE(prepare_private_dir(dir));  // again: all there, still fine
}

TEST(PrivateDir, MissingIsNotFoundForTheClient) {
    test::TempDir t;
    auto st = check_private_dir(t / "nothing" / "ssocred");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, ErrorCode::NotFound);
}

TEST(PrivateDir, LooseOwnDirectoryIsTightenedByTheDaemonRefusedByTheClient) {
    test::TempDir t;
    const fs::path dir = t / "run";
    fs::create_directory(dir);
    ::chmod(dir.c_str(), 0755);
    auto client = check_private_dir(dir);
    ASSERT_FALSE(client);
    EXPECT_EQ(client.error().code, ErrorCode::Forbidden);
    ASSERT_TRUE(prepare_private_dir(dir));
    EXPECT_EQ(mode_of(dir), 0700u);
    EXPECT_TRUE(check_private_dir(dir));
}

TEST(PrivateDir, SharedDirectoryIsNeverTheSocketDirectory) {
    test::TempDir t;
    const fs::path s = shared_tmp(t);
    EXPECT_FALSE(prepare_private_dir(s));
    EXPECT_EQ(mode_of(s), 01777u);  // not "fixed" behind the user's back
}

TEST(PrivateDir, WritableAncestorIsRefused) {
    test::TempDir t;
    const fs::path open = t / "open";
    fs::create_directory(open);
    ::chmod(open.c_str(), 0777);  // not sticky: anyone may rename what is inside
    fs::create_directory(open / "ssocred");
    ::chmod((open / "ssocred").c_str(), 0700);
    auto st = prepare_private_dir(open / "ssocred");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, ErrorCode::Forbidden);
    EXPECT_NE(st.error().message.find(open.string()), std::string::npos);
    EXPECT_FALSE(check_private_dir(open / "ssocred"));
}

TEST(PrivateDir, SymlinkedSocketDirectoryIsRefusedTrustedSymlinkAboveIsFollowed) {
    test::TempDir t;
    fs::create_directory(t / "real");
    ::chmod((t / "real").c_str(), 0700);
    fs::create_directory_symlink(t / "real", t / "link");
    EXPECT_FALSE(prepare_private_dir(t / "link"));
    EXPECT_FALSE(check_private_dir(t / "link"));
    // A link in a trusted directory, to a trusted directory, on the way: fine.
    ASSERT_TRUE(prepare_private_dir(t / "link" / "ssocred"));
    EXPECT_TRUE(check_private_dir(t / "link" / "ssocred"));
    EXPECT_EQ(mode_of(t / "real" / "ssocred"), 0700u);
}

class Squatted : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0 || !nobody()) GTEST_SKIP() << "needs root and a user nobody";
        other = *nobody();
        tmp = shared_tmp(t);
    }
    test::TempDir t;
    fs::path tmp;
    uid_t other = 0;
};

// Another user created /tmp/ssocred-<uid> first (world-writable): the daemon refuses to
// start there and names the owner, and so does the client.
TEST_F(Squatted, OuterDirectoryOfAnotherUser) {
    const fs::path outer = tmp / "ssocred-0";
    fs::create_directory(outer);
    ASSERT_EQ(::chown(outer.c_str(), other, static_cast<gid_t>(-1)), 0);
    ::chmod(outer.c_str(), 0777);
    auto st = prepare_private_dir(outer / "ssocred");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, ErrorCode::Forbidden);
    EXPECT_NE(st.error().message.find("nobody"), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find(outer.string()), std::string::npos);
    EXPECT_FALSE(fs::exists(outer / "ssocred"));  // nothing created inside theirs
    auto client = check_private_dir(outer / "ssocred");
    ASSERT_FALSE(client);
    EXPECT_EQ(client.error().code, ErrorCode::Forbidden);
}

// Even a private-looking (0700) outer directory is refused when it is not ours.
TEST_F(Squatted, PrivateLookingOuterDirectoryOfAnotherUser) {
    const fs::path outer = tmp / "ssocred-0";
    fs::create_directory(outer);
    ::chmod(outer.c_str(), 0700);
    ASSERT_EQ(::chown(outer.c_str(), other, static_cast<gid_t>(-1)), 0);
    EXPECT_FALSE(prepare_private_dir(outer / "ssocred"));
}

// The inner directory pre-created by another user (the denial-of-service variant, or the
// swapped directory with a fake socket): refused, named.
TEST_F(Squatted, InnerDirectoryOfAnotherUser) {
    const fs::path outer = tmp / "ssocred-0";
    ASSERT_TRUE(prepare_private_dir(outer));
    const fs::path inner = outer / "ssocred";
    fs::create_directory(inner);
    ::chmod(inner.c_str(), 0700);
    ASSERT_EQ(::chown(inner.c_str(), other, static_cast<gid_t>(-1)), 0);
    auto st = prepare_private_dir(inner);
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("nobody"), std::string::npos) << st.error().message;
    auto client = check_private_dir(inner);
    ASSERT_FALSE(client);
    EXPECT_NE(client.error().message.find("nobody"), std::string::npos);
}

}  // namespace
}  // namespace ssocred
