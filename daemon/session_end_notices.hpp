// SessionEndNotices: the desktop notices about a session's end - one some minutes before
// the predicted end ("ends soon"), one when a login becomes required - each sent once per
// event, never with a secret, always naming the command to run.
//
// No polling: update() is called with the sessions' status whenever it may have changed (a
// token saved, a renewal round, a config reload); each session has one timer, armed at
// (predicted end - lead) and re-armed only when the prediction changes. The notices go to
// `send`, which runs the blocking D-Bus call on a worker.
//
// Event-loop only (not thread-safe).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/system_timer.hpp>

#include "platform/desktop_notifier.hpp"
#include "sso/session_manager.hpp"

namespace ssocred {

// The notices' text (exposed for tests). `now` and the local time zone make "in 15 min,
// at about 17:40".
platform::DesktopNotice ends_soon_notice(const sso::SessionStatus& session, SystemTime now);
platform::DesktopNotice login_required_notice(const std::string& session);

class SessionEndNotices {
  public:
    using Send = std::function<void(platform::DesktopNotice)>;

    SessionEndNotices(boost::asio::any_io_executor loop, Send send);
    SessionEndNotices(const SessionEndNotices&) = delete;
    SessionEndNotices& operator=(const SessionEndNotices&) = delete;

    // The first call only takes note: a session that already needed a login when the daemon
    // started was announced by the daemon that saw it happen.
    void update(const std::vector<sso::SessionStatus>& sessions);
    void stop();  // cancels every timer; update() does nothing afterwards

  private:
    struct Entry {
        std::unique_ptr<boost::asio::system_timer> timer;
        std::optional<SystemTime> armed_for;    // the predicted end the timer is for
        std::optional<SystemTime> noticed_end;  // the end an "ends soon" notice was sent for
        bool login_required_noticed = false;
    };

    void arm(const std::string& name, Entry& entry, const sso::SessionStatus& status);

    boost::asio::any_io_executor loop_;
    Send send_;
    std::map<std::string, Entry> entries_;
    bool seeded_ = false;
    bool stopped_ = false;
};

}  // namespace ssocred
