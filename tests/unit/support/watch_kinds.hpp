// The two kinds of DirWatch every build has: the OS's own (inotify, kqueue; polling in the
// portable build) and the polling one, here with a short interval so the tests stay quick.
// Watcher tests run once per kind (INSTANTIATE_TEST_SUITE_P with kWatchKinds), and share
// how they write a watched file and wait for the watch to fire.
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "platform/dir_watch.hpp"
#include "support/readable.hpp"

namespace ssocred::test {

enum class WatchKind { Native, Polling };

inline Expected<std::unique_ptr<platform::DirWatch>> make_watch(WatchKind kind) {
    if (kind == WatchKind::Polling)
        return platform::make_polling_dir_watch(std::chrono::milliseconds(20));
    return platform::make_dir_watch();
}

// The test name suffix: .../Native, .../Polling.
struct WatchKindName {
    std::string operator()(const ::testing::TestParamInfo<WatchKind>& param) const {
        return param.param == WatchKind::Polling ? "Polling" : "Native";
    }
};

inline auto all_watch_kinds() {
    return ::testing::Values(WatchKind::Native, WatchKind::Polling);
}

// Writes `text` in place (an existing file keeps its inode: the case a directory's own
// events miss).
inline void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path) << text;
}

// What the daemon's loop does with a watcher (a DirWatch, a PathWatcher): waits, bounded,
// for its descriptor, then drains it. A default drain() result (nothing) when it stayed quiet.
template <class Watcher>
auto drain_within(Watcher& w, int ms) -> decltype(w.drain()) {
    if (!ssocred::testing::readable_within(w.native_handle(), ms)) return {};
    return w.drain();
}

}  // namespace ssocred::test
