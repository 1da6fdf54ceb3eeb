#include "sso/session_end.hpp"

#include <gtest/gtest.h>

namespace ssocred::sso {
namespace {

using namespace std::chrono_literals;

const SystemTime kT0 = from_epoch_seconds(1'800'000'000);

TEST(SessionEnd, UnknownWithoutALength) {
    const auto e = predict_session_end(kT0, std::nullopt, std::nullopt);
    EXPECT_FALSE(e.length);
    EXPECT_FALSE(e.source);
    EXPECT_FALSE(e.ends_at);
}

TEST(SessionEnd, LearnedLength) {
    const auto e = predict_session_end(kT0, std::nullopt, 8h);
    EXPECT_EQ(e.source, SessionLengthSource::Learned);
    EXPECT_EQ(e.ends_at, kT0 + 8h);
    EXPECT_STREQ(to_string(*e.source), "learned");
}

TEST(SessionEnd, TheSettingWinsOverTheLearnedLength) {
    const auto e = predict_session_end(kT0, 4h, 8h);
    EXPECT_EQ(e.source, SessionLengthSource::Configured);
    EXPECT_EQ(e.length, std::chrono::seconds(4h));
    EXPECT_EQ(e.ends_at, kT0 + 4h);
    EXPECT_STREQ(to_string(*e.source), "configured");
}

TEST(SessionEnd, LengthWithoutAStartHasNoEnd) {
    const auto e = predict_session_end(std::nullopt, std::nullopt, 8h);
    EXPECT_EQ(e.length, std::chrono::seconds(8h));
    EXPECT_FALSE(e.ends_at);
}

TEST(SessionEnd, LearnsFromTheRefusal) {
    EXPECT_EQ(learn_session_length(kT0, kT0 + 8h + 5min), std::chrono::seconds(8h + 5min));
    EXPECT_FALSE(learn_session_length(std::nullopt, kT0));
    EXPECT_FALSE(learn_session_length(kT0, kT0));       // nothing learned
    EXPECT_FALSE(learn_session_length(kT0, kT0 - 1h));  // the clock went back
}

TEST(SessionEnd, NoticeTime) {
    const SystemTime end = kT0 + 8h;
    // Lead before the end.
    EXPECT_EQ(ends_soon_notice_at(end, 15min, kT0), end - 15min);
    // Inside the lead: at once.
    EXPECT_EQ(ends_soon_notice_at(end, 15min, end - 5min), end - 5min);
    // A lead longer than the session: at once.
    EXPECT_EQ(ends_soon_notice_at(kT0 + 70s, 90s, kT0), kT0);
    // The end has passed: no guess any more.
    EXPECT_FALSE(ends_soon_notice_at(end, 15min, end));
    EXPECT_FALSE(ends_soon_notice_at(end, 15min, end + 1s));
}

}  // namespace
}  // namespace ssocred::sso
