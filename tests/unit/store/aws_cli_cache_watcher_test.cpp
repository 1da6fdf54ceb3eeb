#include "store/aws_cli_cache_watcher.hpp"

#include <algorithm>
#include <poll.h>

#include <gtest/gtest.h>

#include "store/atomic_file.hpp"
#include "store/aws_cli_cache.hpp"
#include "store_test_util.hpp"
#include "support/watch_kinds.hpp"

namespace ssocred {
namespace {

using test::sample_state;
using test::TempDir;
using test::WatchKind;

// Waits (without spinning) until the watcher's descriptor is readable, then drains it -
// what the daemon's event loop does with a stream_descriptor.
std::vector<std::string> wait_and_drain(AwsCliCacheWatcher& w, int timeout_ms = 2000) {
    pollfd p{w.native_handle(), POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return {};
    auto out = w.drain();
    std::sort(out.begin(), out.end());
    return out;
}

// Each test runs on the OS's own DirWatch and on the polling one (support/watch_kinds.hpp).
class AwsCliCacheWatcherTest : public ::testing::TestWithParam<WatchKind> {
  protected:
    Expected<AwsCliCacheWatcher> create(const std::filesystem::path& dir) {
        return AwsCliCacheWatcher::create(dir, test::make_watch(GetParam()));
    }
};

TEST_P(AwsCliCacheWatcherTest, SeesARenameIntoPlaceWrite) {
    TempDir home;
    const auto dir = home / "cache";
    std::filesystem::create_directories(dir);
    auto w = create(dir);
    ASSERT_TRUE(w);
    EXPECT_TRUE(w->watching_cache_dir());
    w->watch_session("my-sso");

    // botocore's way: temp file + rename into place (write_file_atomic does the same).
    ASSERT_TRUE(write_file_atomic(dir / "0ad374308c5a4e22f723adf10145eafad7c4031c.json", "{}"));
    EXPECT_EQ(wait_and_drain(*w), std::vector<std::string>{"my-sso"});
    EXPECT_TRUE(w->drain().empty());  // nothing pending any more
}

TEST_P(AwsCliCacheWatcherTest, ReportsWatchedSessionsOnlyAndDeletes) {
    TempDir home;
    const auto dir = home / "cache";
    std::filesystem::create_directories(dir);
    auto w = create(dir);
    ASSERT_TRUE(w);
    w->watch_session("my-sso");
    w->watch_session("https://d-1234567890.awsapps.com/start");

    ASSERT_TRUE(write_file_atomic(dir / "unrelated.json", "{}"));
    AwsCliCache cache(dir);
    ASSERT_TRUE(cache.write_token(sample_state("https://d-1234567890.awsapps.com/start")));
    EXPECT_EQ(wait_and_drain(*w),
              std::vector<std::string>{"https://d-1234567890.awsapps.com/start"});

    ASSERT_TRUE(cache.write_token(sample_state("my-sso")));
    EXPECT_EQ(wait_and_drain(*w), std::vector<std::string>{"my-sso"});
    ASSERT_TRUE(cache.erase_token("my-sso"));
    EXPECT_EQ(wait_and_drain(*w), std::vector<std::string>{"my-sso"});

    w->unwatch_session("my-sso");
    ASSERT_TRUE(cache.write_token(sample_state("my-sso")));
    EXPECT_TRUE(wait_and_drain(*w, 200).empty());
}

TEST_P(AwsCliCacheWatcherTest, WaitsForTheDirectoryToAppearWithoutCreatingIt) {
    TempDir home;
    const auto dir = home / ".aws" / "sso" / "cache";
    auto w = create(dir);
    ASSERT_TRUE(w);
    EXPECT_FALSE(w->watching_cache_dir());
    EXPECT_FALSE(std::filesystem::exists(dir));
    w->watch_session("my-sso");

    // The first login creates ~/.aws/sso/cache and writes the token.
    AwsCliCache cache(dir);
    ASSERT_TRUE(cache.write_token(sample_state("my-sso")));
    std::vector<std::string> seen;
    for (int i = 0; i < 5 && !w->watching_cache_dir(); ++i) {
        auto got = wait_and_drain(*w, 500);
        seen.insert(seen.end(), got.begin(), got.end());
    }
    EXPECT_TRUE(w->watching_cache_dir());
    EXPECT_NE(std::find(seen.begin(), seen.end(), "my-sso"), seen.end());

    ASSERT_TRUE(cache.write_token(sample_state("my-sso")));
    EXPECT_EQ(wait_and_drain(*w), std::vector<std::string>{"my-sso"});
}

INSTANTIATE_TEST_SUITE_P(Kinds, AwsCliCacheWatcherTest, test::all_watch_kinds(),
                         test::WatchKindName());

}  // namespace
}  // namespace ssocred
