#include "platform/path_watcher.hpp"

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"
#include "support/watch_kinds.hpp"

namespace ssocred::platform {
namespace {

namespace fs = std::filesystem;
using test::WatchKind;
using test::write_file;

bool changed_within(PathWatcher& w, int ms = 2000) {
    return test::drain_within(w, ms);
}

// Nothing pending right now (and nothing that counts once drained).
bool quiet(PathWatcher& w) {
    return !test::drain_within(w, 100);
}

// Each test runs on the OS's own DirWatch and on the polling one (support/watch_kinds.hpp).
class PathWatcherTest : public ::testing::TestWithParam<WatchKind> {
  protected:
    Expected<PathWatcher> create(const fs::path& file) {
        return PathWatcher::create(file, test::make_watch(GetParam()));
    }
};

TEST_P(PathWatcherTest, InPlaceWriteRenameOverAndDelete) {
    test::TempDir dir;
    const auto config = dir / "config";
    write_file(config, "[default]\n");
    auto w = create(config);
    ASSERT_TRUE(w) << w.error().message;
    EXPECT_TRUE(quiet(*w));

    write_file(config, "[default]\nregion = x\n");  // in place (IN_CLOSE_WRITE)
    EXPECT_TRUE(changed_within(*w));

    write_file(dir / "config.tmp", "[profile new]\n");  // an editor's temporary: not yet ours
    EXPECT_TRUE(quiet(*w));
    fs::rename(dir / "config.tmp", config);  // rename over (IN_MOVED_TO)
    EXPECT_TRUE(changed_within(*w));

    fs::remove(config);
    EXPECT_TRUE(changed_within(*w));
    write_file(config, "[default]\n");
    EXPECT_TRUE(changed_within(*w));
}

TEST_P(PathWatcherTest, OtherFilesInTheDirectoryDoNotCount) {
    test::TempDir dir;
    write_file(dir / "config", "");
    auto w = create(dir / "config");
    ASSERT_TRUE(w);
    write_file(dir / "credentials", "x");
    fs::create_directory(dir / "sso");
    EXPECT_TRUE(quiet(*w));
}

TEST_P(PathWatcherTest, FollowsASymlinkIntoAnotherDirectory) {
    test::TempDir dir;
    fs::create_directory(dir / "home");
    fs::create_directory(dir / "dotfiles");
    write_file(dir / "dotfiles" / "aws-config", "[default]\n");
    fs::create_symlink(dir / "dotfiles" / "aws-config", dir / "home" / "config");
    auto w = create(dir / "home" / "config");
    ASSERT_TRUE(w);
    EXPECT_EQ(w->watched_directories().size(), 2u);

    write_file(dir / "dotfiles" / "aws-config", "[default]\nregion = y\n");  // the target edited
    EXPECT_TRUE(changed_within(*w));

    // The link pointed elsewhere: the new target is watched from then on.
    write_file(dir / "dotfiles" / "other", "[default]\n");
    EXPECT_TRUE(quiet(*w));
    fs::remove(dir / "home" / "config");
    fs::create_symlink("../dotfiles/other", dir / "home" / "config");  // relative target
    EXPECT_TRUE(changed_within(*w));
    while (!quiet(*w)) {
    }
    write_file(dir / "dotfiles" / "other", "[profile x]\n");
    EXPECT_TRUE(changed_within(*w));
    write_file(dir / "dotfiles" / "aws-config", "[default]\n");  // the old target no longer matters
    EXPECT_TRUE(quiet(*w));
}

TEST_P(PathWatcherTest, WaitsForAMissingDirectory) {
    test::TempDir dir;
    auto w = create(dir / "dot-aws" / "config");
    ASSERT_TRUE(w);
    fs::create_directory(dir / "dot-aws");
    EXPECT_TRUE(changed_within(*w));  // the directory appeared: watched from now on
    while (!quiet(*w)) {
    }
    write_file(dir / "dot-aws" / "config", "[default]\n");
    EXPECT_TRUE(changed_within(*w));
}

INSTANTIATE_TEST_SUITE_P(Kinds, PathWatcherTest, test::all_watch_kinds(), test::WatchKindName());

}  // namespace
}  // namespace ssocred::platform
