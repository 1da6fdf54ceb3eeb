// The service manager's wire protocols: socket activation (LISTEN_FDS) and the notify
// protocol (NOTIFY_SOCKET, WATCHDOG_USEC), written by hand from their documentation
// (sd_listen_fds(3), sd_notify(3), sd_watchdog_enabled(3)) so that they need no libsystemd:
// the portable build and macOS speak them too, and `ssocred`'s autostart (which waits for
// READY=1 on a NOTIFY_SOCKET of its own) works wherever the daemon runs.
//
// Every helper is a no-op outside a service manager (no $NOTIFY_SOCKET / $LISTEN_FDS), so the
// daemon calls them unconditionally.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "ssocred/expected.hpp"

namespace ssocred::platform {

struct ActivatedFd {
    int fd = -1;
    std::string name;  // FileDescriptorName= (one per socket unit), "unknown" when not passed
};

// The first passed descriptor (SD_LISTEN_FDS_START).
inline constexpr int kListenFdsStart = 3;

// The sockets systemd passed, marked close-on-exec, and the LISTEN_* variables unset so
// children do not see them. Empty when not socket-activated (or activated for another pid).
Expected<std::vector<ActivatedFd>> systemd_listen_fds();

// The parsing behind systemd_listen_fds(), without touching the environment or the fds:
// null variables are unset ones. Empty when LISTEN_PID is unset or names another process;
// Invalid when LISTEN_PID or LISTEN_FDS is not a number or LISTEN_FDNAMES has a different
// count of names than LISTEN_FDS.
Expected<std::vector<ActivatedFd>> parse_listen_fds(const char* listen_pid, const char* listen_fds,
                                                    const char* listen_fdnames, pid_t self);

// True when $NOTIFY_SOCKET is set (Type=notify, or the CLI's autostart).
bool systemd_notify_available();

// Sends one notify datagram to `address` ("/path" or, on Linux, "@abstract"). Io on failure;
// Invalid for an address this build cannot reach (empty, relative, too long, "vsock:").
Status send_notify(std::string_view address, std::string_view message);

void notify_ready(std::string_view status = {});     // READY=1 [+ STATUS=]
void notify_status(std::string_view status);         // STATUS=...
void notify_watchdog();                              // WATCHDOG=1
void notify_stopping(std::string_view status = {});  // STOPPING=1
// RELOADING=1 with MONOTONIC_USEC (Type=notify-reload); follow with notify_ready().
void notify_reloading(std::string_view status = {});

// How often to send WATCHDOG=1: half of WatchdogSec (WATCHDOG_USEC, for this process when
// WATCHDOG_PID is set), or nullopt when the watchdog is off.
std::optional<std::chrono::microseconds> watchdog_ping_interval();

}  // namespace ssocred::platform
