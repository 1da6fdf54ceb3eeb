#include "session_end_notices.hpp"

#include <algorithm>
#include <ctime>

#include <spdlog/spdlog.h>

namespace ssocred {
namespace {

std::string local_hh_mm(SystemTime t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    char buf[8];
    return std::strftime(buf, sizeof buf, "%H:%M", &tm) != 0 ? buf : "?";
}

std::string in_minutes(std::chrono::system_clock::duration d) {
    const auto minutes = std::max<long long>(
        1, std::chrono::duration_cast<std::chrono::minutes>(d + std::chrono::seconds(30)).count());
    if (minutes < 120) return std::to_string(minutes) + " min";
    return std::to_string(minutes / 60) + " h " + std::to_string(minutes % 60) + " min";
}

std::string login_command(const std::string& session) {
    return "ssocred login --sso-session " + session;
}

}  // namespace

platform::DesktopNotice ends_soon_notice(const sso::SessionStatus& s, SystemTime now) {
    const SystemTime end = s.session_ends_at.value_or(now);
    const bool configured = s.session_length_source == sso::SessionLengthSource::Configured;
    platform::DesktopNotice n;
    n.summary = "AWS SSO session " + s.name + " ends soon";
    n.body = "It ends in about " + in_minutes(end - now) + ", at about " + local_hh_mm(end) +
             (configured ? " (ssocred_session_duration)" : " (as long as the last session)") +
             ". Sign in again to keep working: " + login_command(s.name);
    return n;
}

platform::DesktopNotice login_required_notice(const std::string& session) {
    platform::DesktopNotice n;
    n.summary = "AWS SSO session " + session + ": sign-in required";
    n.body = "The session has ended; AWS credentials from ssocred stop working. Run: " +
             login_command(session);
    n.urgent = true;
    return n;
}

SessionEndNotices::SessionEndNotices(boost::asio::any_io_executor loop, Send send)
    : loop_(std::move(loop)), send_(std::move(send)) {}

void SessionEndNotices::stop() {
    stopped_ = true;
    for (auto& [name, e] : entries_)
        if (e.timer) e.timer->cancel();
}

void SessionEndNotices::update(const std::vector<sso::SessionStatus>& sessions) {
    if (stopped_) return;
    std::map<std::string, Entry> next;
    for (const auto& s : sessions) {
        Entry& e = next[s.name];
        if (auto old = entries_.find(s.name); old != entries_.end()) e = std::move(old->second);
        if (s.state == "login_required") {
            if (!e.login_required_noticed) {
                e.login_required_noticed = true;
                if (seeded_) {
                    spdlog::info("SSO session {}: a login is required; notifying the desktop",
                                 s.name);
                    send_(login_required_notice(s.name));
                }
            }
        } else if (s.state == "logged_in") {
            e.login_required_noticed = false;  // the next end is a new event
        }
        arm(s.name, e, s);
    }
    for (auto& [name, e] : entries_)
        if (!next.contains(name) && e.timer) e.timer->cancel();  // gone from the config
    entries_ = std::move(next);
    seeded_ = true;
}

void SessionEndNotices::arm(const std::string& name, Entry& e, const sso::SessionStatus& s) {
    const SystemTime now = std::chrono::system_clock::now();
    std::optional<SystemTime> at;
    if (s.session_ends_at && e.noticed_end != s.session_ends_at)
        at = sso::ends_soon_notice_at(*s.session_ends_at, s.notify_before, now);
    if (!at) {
        if (e.timer) e.timer->cancel();
        e.armed_for.reset();
        return;
    }
    if (e.armed_for == s.session_ends_at && e.timer) return;  // armed for this end already
    if (!e.timer) e.timer = std::make_unique<boost::asio::system_timer>(loop_);
    e.timer->cancel();
    e.armed_for = s.session_ends_at;
    e.timer->expires_at(*at);
    spdlog::debug("SSO session {}: predicted end {}; notice at {}", name,
                  format_utc(*s.session_ends_at), format_utc(*at));
    // The handler finds its entry by name: the map is rebuilt on every update.
    e.timer->async_wait([this, name, status = s](boost::system::error_code ec) {
        if (ec || stopped_) return;
        auto it = entries_.find(name);
        if (it == entries_.end() || it->second.armed_for != status.session_ends_at) return;
        it->second.noticed_end = status.session_ends_at;
        it->second.armed_for.reset();
        spdlog::info("SSO session {}: ends at about {}; notifying the desktop", name,
                     format_utc(*status.session_ends_at));
        send_(ends_soon_notice(status, std::chrono::system_clock::now()));
    });
}

}  // namespace ssocred
