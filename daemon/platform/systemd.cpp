// The notify and socket-activation protocols, by hand (see systemd.hpp for why).
#include "platform/systemd.hpp"

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ssocred/errno_text.hpp"

#include "store/unique_fd.hpp"

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

// A whole decimal number, nothing else (no sign, no spaces), as the manager writes it: T is
// unsigned, so from_chars refuses a '-'.
template <class T>
std::optional<T> whole_number(std::string_view text) {
    T value{};
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
    return value;
}

std::vector<std::string> split_names(std::string_view text) {
    std::vector<std::string> out;
    for (;;) {
        const auto colon = text.find(':');
        out.emplace_back(text.substr(0, colon));
        if (colon == std::string_view::npos) return out;
        text.remove_prefix(colon + 1);
    }
}

void notify(std::string_view message) {
    const char* address = std::getenv("NOTIFY_SOCKET");
    if (address == nullptr || *address == '\0') return;
    // Best effort, as sd_notify: a manager that stopped listening is not our failure.
    (void)send_notify(address, message);
}

}  // namespace

Expected<std::vector<ActivatedFd>> parse_listen_fds(const char* listen_pid, const char* listen_fds,
                                                    const char* listen_fdnames, pid_t self) {
    std::vector<ActivatedFd> out;
    if (listen_pid == nullptr) return out;
    const auto pid = whole_number<unsigned long long>(listen_pid);
    if (!pid) return Error::make(ErrorCode::Invalid, "LISTEN_PID is not a process id");
    if (*pid != static_cast<unsigned long long>(self)) return out;  // meant for another process
    if (listen_fds == nullptr) return out;
    const auto count = whole_number<unsigned>(listen_fds);
    // Bounded: fds run from 3 upwards and must stay valid descriptor numbers.
    if (!count || *count > 65536)
        return Error::make(ErrorCode::Invalid, "LISTEN_FDS is not a count of descriptors");
    std::vector<std::string> names;
    if (listen_fdnames != nullptr) {
        names = split_names(listen_fdnames);
        if (names.size() != static_cast<std::size_t>(*count)) {
            return Error::make(ErrorCode::Invalid,
                               "LISTEN_FDNAMES names " + std::to_string(names.size()) +
                                   " sockets, LISTEN_FDS passes " + std::to_string(*count));
        }
    }
    for (int i = 0; i < static_cast<int>(*count); ++i) {
        std::string name = names.empty() ? std::string("unknown") : std::move(names[i]);
        out.push_back({kListenFdsStart + i, std::move(name)});
    }
    return out;
}

Expected<std::vector<ActivatedFd>> systemd_listen_fds() {
    auto fds = parse_listen_fds(std::getenv("LISTEN_PID"), std::getenv("LISTEN_FDS"),
                                std::getenv("LISTEN_FDNAMES"), ::getpid());
    // Whatever the outcome: nothing this daemon starts may believe the fds are its own.
    ::unsetenv("LISTEN_PID");
    ::unsetenv("LISTEN_FDS");
    ::unsetenv("LISTEN_FDNAMES");
    if (!fds) {
        return Error::make(ErrorCode::Io, "socket activation failed: " + fds.error().message);
    }
    for (const auto& f : *fds) {
        if (::fcntl(f.fd, F_SETFD, FD_CLOEXEC) != 0) {
            const int err = errno;
            return Error::make(ErrorCode::Io, "socket activation failed: fd " +
                                                  std::to_string(f.fd) + ": " + errno_text(err));
        }
    }
    return fds;
}

bool systemd_notify_available() {
    return std::getenv("NOTIFY_SOCKET") != nullptr;
}

Status send_notify(std::string_view address, std::string_view message) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    socklen_t len = 0;
    if (!address.empty() && (address.front() == '/' || address.front() == '@')) {
        // '@' is Linux's abstract namespace: a leading NUL and no terminator. A path keeps its
        // NUL. Either must fit sun_path.
        const bool abstract = address.front() == '@';
        if (address.size() + (abstract ? 0 : 1) > sizeof addr.sun_path)
            return Error::make(ErrorCode::Invalid, "NOTIFY_SOCKET is too long");
        std::memcpy(addr.sun_path, address.data(), address.size());
        if (abstract) addr.sun_path[0] = '\0';
        len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size() +
                                     (abstract ? 0 : 1));
    } else {
        // vsock: and relative paths: no VM manager or relative socket is used with ssocredd.
        return Error::make(ErrorCode::Invalid, "NOTIFY_SOCKET is not an absolute or '@' address");
    }
    UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM, 0));
    if (!fd.valid()) {
        const int err = errno;
        return Error::make(ErrorCode::Io, "notify socket: " + errno_text(err));
    }
    (void)::fcntl(fd.get(), F_SETFD, FD_CLOEXEC);
    const ssize_t sent = ::sendto(fd.get(), message.data(), message.size(), 0,
                                  reinterpret_cast<const sockaddr*>(&addr), len);
    if (sent < 0) {
        const int err = errno;
        return Error::make(ErrorCode::Io, "notify: " + errno_text(err));
    }
    return ok();
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
    // CLOCK_MONOTONIC as the manager reads it (not steady_clock, which libc++ maps elsewhere).
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    const long long usec = static_cast<long long>(ts.tv_sec) * 1000000LL + ts.tv_nsec / 1000;
    std::string m = "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec);
    if (!status.empty()) m += "\nSTATUS=" + one_line(status);
    notify(m);
}

std::optional<std::chrono::microseconds> watchdog_ping_interval() {
    const char* usec_text = std::getenv("WATCHDOG_USEC");
    if (usec_text == nullptr) return std::nullopt;
    const auto usec = whole_number<unsigned long long>(usec_text);
    if (!usec || *usec == 0) return std::nullopt;
    if (const char* pid_text = std::getenv("WATCHDOG_PID"); pid_text != nullptr) {
        const auto pid = whole_number<unsigned long long>(pid_text);
        if (!pid || *pid != static_cast<unsigned long long>(::getpid())) return std::nullopt;
    }
    return std::chrono::microseconds(static_cast<long long>(*usec / 2));
}

}  // namespace ssocred::platform
