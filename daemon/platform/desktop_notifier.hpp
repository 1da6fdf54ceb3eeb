// DesktopNotifier: a notice on the person's desktop ("the SSO session ends in 15 min").
//
// Linux: the freedesktop Notifications service (org.freedesktop.Notifications.Notify) on
// the D-Bus session bus, through sd-bus. Where there is no session bus
// (DBUS_SESSION_BUS_ADDRESS unset or unreachable: a server, a container, a test) it does
// nothing and says so once, at debug level. Other systems: nothing yet.
//
// notify() blocks for up to the timeout given at construction (connecting, the call):
// call it from a worker thread, never from the event loop. Thread-safe (each call opens its
// own connection; notices are rare, a connection kept open would be one more thing to heal).
#pragma once

#include <chrono>
#include <memory>
#include <string>

namespace ssocred::platform {

struct DesktopNotice {
    std::string summary;  // one line
    std::string body;     // plain text; never a secret
    bool urgent = false;  // "critical" urgency: stays until dismissed on most desktops
};

class DesktopNotifier {
  public:
    virtual ~DesktopNotifier() = default;
    // Best effort: failures are logged (debug), never reported.
    virtual void notify(const DesktopNotice& notice) = 0;
};

std::unique_ptr<DesktopNotifier> make_desktop_notifier(
    std::chrono::milliseconds timeout = std::chrono::seconds(3));

}  // namespace ssocred::platform
