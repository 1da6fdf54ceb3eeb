#include "session_end_notices.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace ssocred {
namespace {

using namespace std::chrono_literals;

sso::SessionStatus session(const std::string& state) {
    sso::SessionStatus s;
    s.name = "corp";
    s.state = state;
    return s;
}

class Notices : public ::testing::Test {
  protected:
    boost::asio::io_context io;
    std::vector<platform::DesktopNotice> sent;
    SessionEndNotices notices{io.get_executor(),
                              [this](platform::DesktopNotice n) { sent.push_back(std::move(n)); }};
};

TEST_F(Notices, LoginRequiredOncePerEvent) {
    notices.update({session("logged_in")});
    EXPECT_TRUE(sent.empty());
    notices.update({session("login_required")});
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_NE(sent[0].body.find("ssocred login --sso-session corp"), std::string::npos);
    EXPECT_TRUE(sent[0].urgent);
    notices.update({session("login_required")});
    notices.update({session("login_in_progress")});  // a login that fails or is cancelled
    notices.update({session("login_required")});
    EXPECT_EQ(sent.size(), 1u);
    notices.update({session("logged_in")});
    notices.update({session("login_required")});  // the next session's end
    EXPECT_EQ(sent.size(), 2u);
}

TEST_F(Notices, AtStartUpALoginRequiredIsOnlyNoted) {
    notices.update({session("login_required")});
    notices.update({session("login_required")});
    EXPECT_TRUE(sent.empty());
}

TEST_F(Notices, EndsSoonOnceAtEndMinusLead) {
    auto s = session("logged_in");
    s.session_ends_at = std::chrono::system_clock::now() + 1500ms;
    s.session_length_source = sso::SessionLengthSource::Learned;
    s.notify_before = 1s;
    notices.update({s});
    io.run_for(200ms);
    EXPECT_TRUE(sent.empty());  // not yet: 0.5 s before the lead starts
    io.run_for(800ms);
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_NE(sent[0].summary.find("corp"), std::string::npos);
    EXPECT_NE(sent[0].body.find("ssocred login --sso-session corp"), std::string::npos);
    notices.update({s});  // the same predicted end: not again
    io.run_for(200ms);
    EXPECT_EQ(sent.size(), 1u);
}

TEST_F(Notices, ReArmedWhenThePredictionChanges) {
    auto s = session("logged_in");
    s.session_ends_at = std::chrono::system_clock::now() + 1h;
    s.notify_before = 1s;
    notices.update({s});
    s.session_ends_at = std::chrono::system_clock::now() + 1200ms;  // a shorter setting
    notices.update({s});
    io.run_for(600ms);
    EXPECT_EQ(sent.size(), 1u);
    notices.stop();
}

}  // namespace
}  // namespace ssocred
