// The two kinds of DirWatch every build has: the OS's own (inotify, kqueue; polling in the
// portable build) and the polling one, here with a short interval so the tests stay quick.
// Watcher tests run once per kind (INSTANTIATE_TEST_SUITE_P with kWatchKinds).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "platform/dir_watch.hpp"

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

}  // namespace ssocred::test
