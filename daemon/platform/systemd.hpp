// systemd integration: socket activation and the notify protocol (sd_notify).
//
// Every helper is a no-op outside systemd (no $NOTIFY_SOCKET / $LISTEN_FDS), so the daemon
// calls them unconditionally.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ssocred/expected.hpp"

namespace ssocred::platform {

struct ActivatedFd {
    int fd = -1;
    std::string name;  // FileDescriptorName= (one per socket unit), "unknown" when not passed
};

// The sockets systemd passed (sd_listen_fds_with_names), marked close-on-exec, and the
// LISTEN_* variables unset so children do not see them. Empty when not socket-activated.
Expected<std::vector<ActivatedFd>> systemd_listen_fds();

// True when $NOTIFY_SOCKET is set (Type=notify).
bool systemd_notify_available();

void notify_ready(std::string_view status = {});     // READY=1 [+ STATUS=]
void notify_status(std::string_view status);         // STATUS=...
void notify_watchdog();                              // WATCHDOG=1
void notify_stopping(std::string_view status = {});  // STOPPING=1
// RELOADING=1 with MONOTONIC_USEC (Type=notify-reload); follow with notify_ready().
void notify_reloading(std::string_view status = {});

// How often to send WATCHDOG=1: half of WatchdogSec (sd_watchdog_enabled), or nullopt
// when the watchdog is off.
std::optional<std::chrono::microseconds> watchdog_ping_interval();

}  // namespace ssocred::platform
