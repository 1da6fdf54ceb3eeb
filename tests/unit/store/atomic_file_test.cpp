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

TEST(AtomicFile, StaleTemporariesOfAKilledWriterAreRemoved) {
    TempDir dir;
    const auto touch = [](const std::filesystem::path& p) {
        ASSERT_TRUE(write_file_atomic(p, "x"));
    };
    std::filesystem::create_directories(dir / "sessions");
    std::filesystem::create_directories(dir / "tokens" / "t1");
    touch(dir / "active.json");
    touch(dir / ".active.json.tmp-0123456789ab");              // ours: removed
    touch(dir / "sessions" / ".abc.json.tmp-ba9876543210");    // ours, one level down
    touch(dir / "tokens" / "t1" / ".token.tmp-00112233aabb");  // ours, two levels down
    touch(dir / ".other.tmp-0123456789ab");                    // ours, another file
    touch(dir / "notes.tmp-0123456789ab");                     // no leading dot: kept
    touch(dir / ".x.tmp-0123");                                // wrong suffix: kept
    EXPECT_EQ(remove_stale_temporaries(dir.path(), false, "active.json"), 1u);
    EXPECT_EQ(remove_stale_temporaries(dir.path(), true), 3u);
    EXPECT_EQ(list_dir(dir.path()),
              (std::vector<std::string>{".x.tmp-0123", "active.json", "notes.tmp-0123456789ab",
                                        "sessions", "tokens"}));
    EXPECT_TRUE(list_dir(dir / "sessions").empty());
    EXPECT_TRUE(list_dir(dir / "tokens" / "t1").empty());
    EXPECT_EQ(temporary_target(".a.json.tmp-0123456789ab"), "a.json");
    EXPECT_FALSE(temporary_target(".tmp-0123456789ab"));
    EXPECT_FALSE(temporary_target(".a.json.tmp-0123456789AB"));
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
