// The generic layer's polling watch, tested on every OS: it is what the portable build uses.
#include "platform/generic_process_watch.hpp"

#include <chrono>
#include <optional>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

namespace ssocred::platform::generic {
namespace {

// Watch threads notice a closed descriptor within their poll interval (a second); this
// waits for that without asserting how long it takes.
bool watches_drop_to(std::size_t n) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (running_process_watches() > n) {
        if (std::chrono::steady_clock::now() > give_up) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return true;
}

TEST(GenericProcessWatch, RefusesWatchesBeyondItsLimitUntilOneEnds) {
    const std::size_t before = running_process_watches();
    const std::size_t max = before + 2;
    // This process is alive for the whole test: its watches run until their ends close.
    std::vector<UniqueFd> watches;
    for (int i = 0; i < 2; ++i) {
        auto fd = polled_process_exit_fd(::getpid(), max);
        ASSERT_TRUE(fd) << fd.error().message;
        watches.push_back(std::move(*fd));
    }
    auto refused = polled_process_exit_fd(::getpid(), max);
    ASSERT_FALSE(refused);
    // Io is what callers take as "cannot watch here": the token's expiry bounds it.
    EXPECT_EQ(refused.error().code, ErrorCode::Io);
    EXPECT_NE(refused.error().message.find("already watching"), std::string::npos);

    watches.pop_back();  // the caller is done with one: its thread ends
    ASSERT_TRUE(watches_drop_to(before + 1));
    {
        auto again = polled_process_exit_fd(::getpid(), max);
        EXPECT_TRUE(again) << again.error().message;
    }
    watches.clear();
    EXPECT_TRUE(watches_drop_to(before));
}

TEST(GenericProcessWatch, RefusesANonsensePid) {
    auto fd = polled_process_exit_fd(0);
    ASSERT_FALSE(fd);
    EXPECT_EQ(fd.error().code, ErrorCode::Invalid);
}

}  // namespace
}  // namespace ssocred::platform::generic
