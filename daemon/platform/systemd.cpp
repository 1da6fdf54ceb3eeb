#include "platform/systemd.hpp"

#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <time.h>

#include <systemd/sd-daemon.h>

namespace ssocred::platform {

namespace {

// STATUS= lines are single-line; a newline would start a new assignment.
std::string one_line(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return out;
}

void notify(std::string message) {
    (void)sd_notify(0, message.c_str());
}

}  // namespace

Expected<std::vector<ActivatedFd>> systemd_listen_fds() {
    char** names = nullptr;
    const int n = sd_listen_fds_with_names(1, &names);
    if (n < 0) {
        return Error::make(ErrorCode::Io,
                           std::string("socket activation failed: ") + std::strerror(-n));
    }
    std::vector<ActivatedFd> out;
    for (int i = 0; i < n; ++i) {
        const int fd = SD_LISTEN_FDS_START + i;
        (void)::fcntl(fd, F_SETFD, FD_CLOEXEC);
        out.push_back({fd, names && names[i] ? names[i] : "unknown"});
    }
    if (names) {
        for (int i = 0; i < n; ++i) std::free(names[i]);
        std::free(names);
    }
    return out;
}

bool systemd_notify_available() {
    return std::getenv("NOTIFY_SOCKET") != nullptr;
}

void notify_ready(std::string_view status) {
    notify(status.empty() ? "READY=1" : "READY=1\nSTATUS=" + one_line(status));
}

void notify_status(std::string_view status) {
    notify("STATUS=" + one_line(status));
}

void notify_watchdog() {
    notify("WATCHDOG=1");
}

void notify_stopping(std::string_view status) {
    notify(status.empty() ? "STOPPING=1" : "STOPPING=1\nSTATUS=" + one_line(status));
}

void notify_reloading(std::string_view status) {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    const long long usec = static_cast<long long>(ts.tv_sec) * 1000000LL + ts.tv_nsec / 1000;
    std::string m = "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec);
    if (!status.empty()) m += "\nSTATUS=" + one_line(status);
    notify(std::move(m));
}

std::optional<std::chrono::microseconds> watchdog_ping_interval() {
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
    return std::chrono::microseconds(usec / 2);
}

}  // namespace ssocred::platform
