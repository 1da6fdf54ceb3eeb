#include "autostart.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "ssocred/descriptors.hpp"
#include "ssocred/errno_text.hpp"
#include "ssocred/paths.hpp"
#include "ssocred/private_dir.hpp"

#include "platform/executable_path.hpp"
#include "platform/process_exit_watch.hpp"
#include "process.hpp"
#include "store/unique_fd.hpp"

extern char** environ;

namespace ssocred::cli {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr auto kReadyTimeout = 15s;
constexpr auto kLockTimeout = 20s;  // a racing command waits out the other's start
constexpr off_t kLogRotateBytes = 1 << 20;

// Variables the daemon must not take from us: another manager's protocol (this command
// may itself run under systemd) would make it report to, or believe in, the wrong parent.
constexpr std::array kDroppedEnv = {"NOTIFY_SOCKET",  "LISTEN_FDS",     "LISTEN_PID",
                                    "LISTEN_FDNAMES", "WATCHDOG_USEC",  "WATCHDOG_PID",
                                    "INVOCATION_ID",  "JOURNAL_STREAM", "SSOCRED_STARTED_BY"};

Error start_error(std::string message) {
    return Error::make(ErrorCode::Io, "could not start ssocredd: " + std::move(message));
}

std::optional<fs::path> own_executable() {
    auto p = platform::executable_path();
    return p ? std::optional(std::move(*p)) : std::nullopt;
}

bool is_executable_file(const fs::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

// Does anything accept on the socket? (Who it is, the real request checks.)
bool listening(const fs::path& socket) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string p = socket.string();
    if (p.size() >= sizeof(addr.sun_path)) return false;
    std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);
    UniqueFd fd(socket_cloexec(AF_UNIX, SOCK_STREAM, 0));
    if (!fd) return false;
    return ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
}

// flock with a deadline: flock itself has none, and a command stuck holding the lock must
// not hang every other one.
Expected<UniqueFd> lock_exclusive(const fs::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd) {
        const int err = errno;
        return start_error("cannot open " + path.string() + ": " + errno_text(err));
    }
    const auto deadline = std::chrono::steady_clock::now() + kLockTimeout;
    while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        if (err != EWOULDBLOCK && err != EINTR)
            return start_error("cannot lock " + path.string() + ": " + errno_text(err));
        if (std::chrono::steady_clock::now() >= deadline)
            return start_error("another ssocred command holds " + path.string());
        std::this_thread::sleep_for(50ms);
    }
    return fd;
}

// Appends to the log, keeping one previous generation once it passes 1 MiB.
Expected<UniqueFd> open_log(const fs::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > kLogRotateBytes) {
        std::error_code ec;
        fs::rename(path, fs::path(path).concat(".1"), ec);
    }
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd) {
        const int err = errno;
        return start_error("cannot open its log " + path.string() + ": " + errno_text(err));
    }
    return fd;
}

// The datagram socket the daemon's sd_notify("READY=1") reaches. It lives in the control
// socket's own private directory, so no other user can send to it.
class NotifySocket {
  public:
    static Expected<NotifySocket> bind_in(const fs::path& dir) {
        NotifySocket s;
        s.path_ = dir / ("autostart-" + std::to_string(::getpid()) + ".notify");
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        const std::string p = s.path_.string();
        if (p.size() >= sizeof(addr.sun_path)) return start_error("the path " + p + " is too long");
        std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);
        ::unlink(p.c_str());
        s.fd_.reset(socket_cloexec(AF_UNIX, SOCK_DGRAM, 0));
        if (!s.fd_) {
            const int err = errno;
            return start_error("cannot create a socket: " + errno_text(err));
        }
        if (::bind(s.fd_.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
            const int err = errno;
            return start_error("cannot bind " + p + ": " + errno_text(err));
        }
        s.bound_ = true;
        return s;
    }
    NotifySocket(NotifySocket&& o) noexcept
        : fd_(std::move(o.fd_)),
          path_(std::move(o.path_)),
          bound_(std::exchange(o.bound_, false)) {}
    NotifySocket& operator=(NotifySocket&&) = delete;
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;
    ~NotifySocket() {
        if (bound_) ::unlink(path_.c_str());
    }

    int fd() const { return fd_.get(); }
    const fs::path& path() const { return path_; }

    // True once a datagram carrying READY=1 arrived.
    bool ready_received() {
        char buf[4096];
        for (;;) {
            const ssize_t n = ::recv(fd_.get(), buf, sizeof buf - 1, MSG_DONTWAIT);
            if (n < 0) return false;
            const std::string_view msg(buf, static_cast<std::size_t>(n));
            std::size_t pos = 0;
            while (pos <= msg.size()) {
                const auto nl = msg.find('\n', pos);
                if (msg.substr(pos, nl - pos) == "READY=1") return true;
                if (nl == std::string_view::npos) break;
                pos = nl + 1;
            }
        }
    }

  private:
    NotifySocket() = default;
    UniqueFd fd_;
    fs::path path_;
    bool bound_ = false;
};

std::vector<std::string> child_environment(const fs::path& notify_socket) {
    std::vector<std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        const std::string_view kv(*e);
        const auto name = kv.substr(0, kv.find('='));
        if (std::find(kDroppedEnv.begin(), kDroppedEnv.end(), name) != kDroppedEnv.end()) continue;
        env.emplace_back(kv);
    }
    env.push_back("NOTIFY_SOCKET=" + notify_socket.string());
    env.push_back("SSOCRED_STARTED_BY=ssocred");
    return env;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
    std::vector<char*> out;
    for (auto& s : v) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// Detached: its own session (a Ctrl-C or a closed terminal does not reach it), stdin from
// /dev/null, output to the log, working directory `/` (it must not pin a mount).
Expected<pid_t> spawn_detached(const fs::path& binary, const fs::path& socket, int log_fd,
                               const fs::path& notify_socket) {
    std::vector<std::string> args = {binary.string(), "--socket", socket.string()};
    std::vector<std::string> env = child_environment(notify_socket);
    auto argv = c_strings(args);
    auto envp = c_strings(env);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, log_fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, log_fd, STDERR_FILENO);
    posix_spawn_file_actions_addchdir_np(&actions, "/");
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK);
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, binary.c_str(), &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) return start_error("cannot run " + binary.string() + ": " + errno_text(rc));
    return pid;
}

std::string describe_exit(int status) {
    if (WIFEXITED(status)) return "it exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "it was killed by signal " + std::to_string(WTERMSIG(status));
    return "it stopped";
}

// Waits for READY=1, the child's exit, or the deadline — whichever comes first. Where the
// system can watch a process (platform::process_exit_fd: a pidfd, a kqueue) the child's exit
// is a descriptor to poll beside the socket; elsewhere a short poll timeout lets
// waitpid(WNOHANG) notice it.
Status wait_ready(NotifySocket& notify, pid_t pid, const fs::path& log) {
    const auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
    auto exit_watch = platform::process_exit_fd(pid);
    UniqueFd exit_fd(exit_watch ? exit_watch->release() : -1);
    const std::string see = "; see " + log.string();
    for (;;) {
        if (notify.ready_received()) return ok();
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid)
            return start_error(describe_exit(status) + " before it was ready" + see);
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return start_error("it did not report ready within " +
                               std::to_string(kReadyTimeout.count()) + " s" + see);
        pollfd fds[2] = {{notify.fd(), POLLIN, 0}, {exit_fd.get(), POLLIN, 0}};
        const int slice = exit_fd ? static_cast<int>(left.count()) : 100;
        const int rc =
            ::poll(fds, exit_fd ? 2 : 1, std::min(slice, static_cast<int>(left.count())));
        if (rc < 0) {
            const int err = errno;
            if (err != EINTR) return start_error("poll failed: " + errno_text(err));
        }
    }
}

}  // namespace

bool autostart_disabled_by(std::string_view value) {
    std::string v(value);
    std::transform(v.begin(), v.end(), v.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return v == "0" || v == "no" || v == "false" || v == "off";
}

bool autostart_enabled() {
    const char* v = std::getenv("SSOCRED_AUTOSTART");
    return v == nullptr || !autostart_disabled_by(v);
}

std::optional<fs::path> find_daemon_binary() {
    if (auto self = own_executable()) {
        const fs::path beside = self->parent_path() / "ssocredd";
        if (is_executable_file(beside)) return beside;
    }
    if (auto found = find_in_path("ssocredd")) return fs::path(*found);
    return std::nullopt;
}

fs::path autostart_log_file() {
    return paths::default_state_dir() / "ssocredd.log";
}

Expected<Started> start_daemon(const fs::path& socket) {
    auto binary = find_daemon_binary();
    if (!binary) return start_error("it is neither next to ssocred nor on PATH");
    const fs::path state_dir = paths::default_state_dir();
    if (auto st = prepare_private_dir(state_dir); !st)
        return start_error("its state directory: " + st.error().message);
    if (auto st = prepare_private_dir(socket.parent_path()); !st)
        return start_error("the control socket's directory: " + st.error().message);

    auto lock = lock_exclusive(state_dir / "autostart.lock");
    if (!lock) return std::move(lock).error();
    Started started;
    started.log_file = autostart_log_file();
    if (listening(socket)) return started;  // another command won the race

    auto log = open_log(started.log_file);
    if (!log) return std::move(log).error();
    auto notify = NotifySocket::bind_in(socket.parent_path());
    if (!notify) return std::move(notify).error();
    auto pid = spawn_detached(*binary, socket, log->get(), notify->path());
    if (!pid) return std::move(pid).error();
    if (auto st = wait_ready(*notify, *pid, started.log_file); !st) return st.error();
    started.pid = *pid;
    started.by_us = true;
    return started;
}

}  // namespace ssocred::cli
