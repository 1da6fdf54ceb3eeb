#include "store/atomic_file.hpp"

#include <gtest/gtest.h>

#include "store_test_util.hpp"

namespace ssocred {
namespace {

using test::list_dir;
using test::mode_of;
using test::TempDir;

TEST(AtomicFile, WritesWholeFileWithModeAndNoTemporary) {
    TempDir dir;
    const auto path = dir / "state.json";
    ASSERT_TRUE(write_file_atomic(path, "first"));
    ASSERT_TRUE(write_file_atomic(path, "second, longer"));
    EXPECT_EQ(mode_of(path), 0600u);
    EXPECT_EQ(list_dir(dir.path()), std::vector<std::string>{"state.json"});
    auto back = read_file(path);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, "second, longer");
}

TEST(AtomicFile, FailedWriteLeavesNoTemporaryAndKeepsTheOldTarget) {
    TempDir dir;
    // Renaming a file over a non-empty directory fails after the temporary was written.
    const auto target = dir / "occupied";
    std::filesystem::create_directories(target / "child");
    auto st = write_file_atomic(target, "content");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, ErrorCode::Io);
    EXPECT_EQ(list_dir(dir.path()), std::vector<std::string>{"occupied"});
    EXPECT_TRUE(std::filesystem::is_directory(target / "child"));
}

TEST(AtomicFile, MissingDirectoryIsAnError) {
    TempDir dir;
    EXPECT_FALSE(write_file_atomic(dir / "no" / "such" / "file", "x"));
}

TEST(AtomicFile, ReadFileReportsNotFoundAndSizeLimit) {
    TempDir dir;
    auto missing = read_file(dir / "missing");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
    ASSERT_TRUE(write_file_atomic(dir / "big", std::string(100, 'x')));
    auto big = read_file(dir / "big", 10);
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().code, ErrorCode::Invalid);
}

TEST(AtomicFile, EnsurePrivateDirCreatesAndTightens) {
    TempDir dir;
    const auto d = dir / "a" / "b";
    ASSERT_TRUE(ensure_private_dir(d));
    EXPECT_EQ(mode_of(d), 0700u);
    std::filesystem::permissions(d, std::filesystem::perms(0755));
    ASSERT_TRUE(ensure_private_dir(d));
    EXPECT_EQ(mode_of(d), 0700u);
}

}  // namespace
}  // namespace ssocred
