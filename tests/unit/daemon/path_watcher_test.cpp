#include "platform/path_watcher.hpp"

#include <fstream>
#include <poll.h>

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"
#include "support/watch_kinds.hpp"

namespace ssocred::platform {
namespace {

namespace fs = std::filesystem;
using test::WatchKind;

void write(const fs::path& p, const std::string& text) {
    std::ofstream(p) << text;
}

// Waits (bounded) for the watcher's descriptor, then drains it: what the daemon's loop does.
bool changed_within(PathWatcher& w, int ms = 2000) {
    pollfd p{w.native_handle(), POLLIN, 0};
    if (::poll(&p, 1, ms) <= 0) return false;
    return w.drain();
}

// Nothing pending right now (and nothing that counts once drained).
bool quiet(PathWatcher& w) {
    pollfd p{w.native_handle(), POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) return true;
    return !w.drain();
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
    write(config, "[default]\n");
    auto w = create(config);
    ASSERT_TRUE(w) << w.error().message;
    EXPECT_TRUE(quiet(*w));

    write(config, "[default]\nregion = x\n");  // in place (IN_CLOSE_WRITE)
    EXPECT_TRUE(changed_within(*w));

    write(dir / "config.tmp", "[profile new]\n");  // an editor's temporary: not yet ours
    EXPECT_TRUE(quiet(*w));
    fs::rename(dir / "config.tmp", config);  // rename over (IN_MOVED_TO)
    EXPECT_TRUE(changed_within(*w));

    fs::remove(config);
    EXPECT_TRUE(changed_within(*w));
    write(config, "[default]\n");
    EXPECT_TRUE(changed_within(*w));
}

TEST_P(PathWatcherTest, OtherFilesInTheDirectoryDoNotCount) {
    test::TempDir dir;
    write(dir / "config", "");
    auto w = create(dir / "config");
    ASSERT_TRUE(w);
    write(dir / "credentials", "x");
    fs::create_directory(dir / "sso");
    EXPECT_TRUE(quiet(*w));
}

TEST_P(PathWatcherTest, FollowsASymlinkIntoAnotherDirectory) {
    test::TempDir dir;
    fs::create_directory(dir / "home");
    fs::create_directory(dir / "dotfiles");
    write(dir / "dotfiles" / "aws-config", "[default]\n");
    fs::create_symlink(dir / "dotfiles" / "aws-config", dir / "home" / "config");
    auto w = create(dir / "home" / "config");
    ASSERT_TRUE(w);
    EXPECT_EQ(w->watched_directories().size(), 2u);

    write(dir / "dotfiles" / "aws-config", "[default]\nregion = y\n");  // the target edited
    EXPECT_TRUE(changed_within(*w));

    // The link pointed elsewhere: the new target is watched from then on.
    write(dir / "dotfiles" / "other", "[default]\n");
    EXPECT_TRUE(quiet(*w));
    fs::remove(dir / "home" / "config");
    fs::create_symlink("../dotfiles/other", dir / "home" / "config");  // relative target
    EXPECT_TRUE(changed_within(*w));
    while (!quiet(*w)) {
    }
    write(dir / "dotfiles" / "other", "[profile x]\n");
    EXPECT_TRUE(changed_within(*w));
    write(dir / "dotfiles" / "aws-config", "[default]\n");  // the old target no longer matters
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
    write(dir / "dot-aws" / "config", "[default]\n");
    EXPECT_TRUE(changed_within(*w));
}

INSTANTIATE_TEST_SUITE_P(Kinds, PathWatcherTest, test::all_watch_kinds(), test::WatchKindName());

}  // namespace
}  // namespace ssocred::platform
