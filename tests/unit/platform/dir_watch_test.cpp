#include "platform/dir_watch.hpp"

#include <gtest/gtest.h>

#include "platform/dir_watch_snapshot.hpp"
#include "support/temp_dir.hpp"
#include "support/watch_kinds.hpp"

namespace ssocred::platform {
namespace {

namespace fs = std::filesystem;
using test::WatchKind;
using test::write_file;

DirChanges wait_and_drain(DirWatch& w, int ms = 3000) {
    return test::drain_within(w, ms);
}

// Nothing pending now, nor within a few polling intervals.
bool quiet(DirWatch& w) {
    return !test::drain_within(w, 150).any();
}

class DirWatchTest : public ::testing::TestWithParam<WatchKind> {
  protected:
    std::unique_ptr<DirWatch> make() {
        auto w = test::make_watch(GetParam());
        EXPECT_TRUE(w) << w.error().message;
        return w ? std::move(*w) : nullptr;
    }
    test::TempDir dir_;
};

TEST_P(DirWatchTest, WrittenInPlaceRenamedOverDeletedAndCreated) {
    const auto file = dir_ / "config";
    write_file(file, "a\n");
    auto w = make();
    ASSERT_TRUE(w);
    w->watch({{dir_.path(), {"config"}}});
    EXPECT_TRUE(quiet(*w));

    write_file(file, "a\nb\n");  // in place
    auto c = wait_and_drain(*w);
    EXPECT_EQ(c.entries, std::vector<fs::path>{file});
    EXPECT_FALSE(c.everything);

    write_file(dir_ / "config.tmp", "c\n");
    EXPECT_TRUE(quiet(*w));                 // an unwatched entry
    fs::rename(dir_ / "config.tmp", file);  // renamed over
    EXPECT_EQ(wait_and_drain(*w).entries, std::vector<fs::path>{file});

    fs::remove(file);
    EXPECT_EQ(wait_and_drain(*w).entries, std::vector<fs::path>{file});
    while (!quiet(*w)) {
    }
    write_file(file, "d\n");  // created again
    EXPECT_TRUE(wait_and_drain(*w).any());
}

TEST_P(DirWatchTest, OnlyWatchedEntriesCount) {
    write_file(dir_ / "mine", "");
    auto w = make();
    ASSERT_TRUE(w);
    w->watch({{dir_.path(), {"mine"}}});
    write_file(dir_ / "other", "x");
    fs::create_directory(dir_ / "sub");
    fs::rename(dir_ / "other", dir_ / "other2");
    EXPECT_TRUE(quiet(*w));
}

TEST_P(DirWatchTest, AMissingDirectoryIsWaitedForAndItsFileNoticed) {
    const auto missing = dir_ / "a" / "b";
    auto w = make();
    ASSERT_TRUE(w);
    w->watch({{missing, {"token.json"}}});
    EXPECT_EQ(w->watched_directories(), std::vector<fs::path>{dir_.path()});

    fs::create_directories(missing);
    write_file(missing / "token.json", "{}");
    // The directory's appearance means "everything"; the file may be reported with it or
    // on its own, depending on when each was seen.
    bool seen = false;
    for (int i = 0; i < 10 && !seen; ++i) {
        auto c = wait_and_drain(*w, 500);
        seen = c.everything || !c.entries.empty();
    }
    EXPECT_TRUE(seen);
    while (!quiet(*w)) {
    }
    EXPECT_EQ(w->watched_directories(), std::vector<fs::path>{missing});
    write_file(missing / "token.json", "{\"x\": 1}");
    EXPECT_EQ(wait_and_drain(*w).entries, std::vector<fs::path>{missing / "token.json"});
}

TEST_P(DirWatchTest, ADirectoryRemovedMeansEverythingAndIsWaitedForAgain) {
    const auto sub = dir_ / "cache";
    fs::create_directory(sub);
    write_file(sub / "t.json", "{}");
    auto w = make();
    ASSERT_TRUE(w);
    w->watch({{sub, {"t.json"}}});
    fs::remove_all(sub);
    bool everything = false;
    for (int i = 0; i < 10 && !everything; ++i) everything = wait_and_drain(*w, 500).everything;
    EXPECT_TRUE(everything);
    while (!quiet(*w)) {
    }
    fs::create_directory(sub);  // back: noticed as such
    everything = false;
    for (int i = 0; i < 10 && !everything; ++i) everything = wait_and_drain(*w, 500).everything;
    EXPECT_TRUE(everything);
}

TEST_P(DirWatchTest, WatchingMoreKeepsWhatIsPendingForTheOthers) {
    write_file(dir_ / "one", "1");
    auto w = make();
    ASSERT_TRUE(w);
    w->watch({{dir_.path(), {"one"}}});
    write_file(dir_ / "one", "11");
    w->watch({{dir_.path(), {"one", "two"}}});  // e.g. a session added to the cache watcher
    const auto c = wait_and_drain(*w);
    EXPECT_EQ(c.entries, std::vector<fs::path>{dir_ / "one"});
}

TEST(DirSnapshot, TellsEntriesAndDirectoriesApart) {
    test::TempDir dir;
    write_file(dir / "f", "1");
    const std::vector<WatchedDirectory> watched = {{dir.path(), {"f", "g"}},
                                                   {dir / "missing", {"h"}}};
    const auto before = DirSnapshot::take(watched);
    EXPECT_FALSE(DirSnapshot::take(watched).changes_since(before).any());
    write_file(dir / "g", "2");
    auto c = DirSnapshot::take(watched).changes_since(before);
    EXPECT_EQ(c.entries, std::vector<fs::path>{dir / "g"});
    EXPECT_FALSE(c.everything);
    fs::create_directory(dir / "missing");
    EXPECT_TRUE(DirSnapshot::take(watched).changes_since(before).everything);
    // Carried over: what `before` saw stays the reference for what both watch.
    const auto carried = DirSnapshot::take(watched).carried_over(before);
    EXPECT_TRUE(DirSnapshot::take(watched).changes_since(carried).everything);
}

INSTANTIATE_TEST_SUITE_P(Kinds, DirWatchTest, test::all_watch_kinds(), test::WatchKindName());

}  // namespace
}  // namespace ssocred::platform
