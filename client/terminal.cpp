#include "terminal.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ssocred/descriptors.hpp"

namespace ssocred::cli {
namespace {

// The handler may only touch async-signal-safe state: the pipe's write end.
volatile sig_atomic_t g_write_fd = -1;

void on_signal(int sig) {
    const int saved = errno;
    if (g_write_fd >= 0) {
        const unsigned char b = static_cast<unsigned char>(sig);
        [[maybe_unused]] auto n = ::write(g_write_fd, &b, 1);
    }
    errno = saved;
}

}  // namespace

SignalPipe::SignalPipe(std::initializer_list<int> signals) {
    int fds[2];
    if (pipe_cloexec(fds, FdMode::NonBlocking) == 0) {
        read_.reset(fds[0]);
        write_.reset(fds[1]);
        g_write_fd = fds[1];
    }
    for (int sig : signals) {
        struct sigaction sa {};
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0;  // no SA_RESTART: blocking calls return EINTR and re-check
        struct sigaction old {};
        if (::sigaction(sig, &sa, &old) == 0) previous_.emplace_back(sig, old);
    }
}

SignalPipe::~SignalPipe() {
    for (auto& [sig, old] : previous_) ::sigaction(sig, &old, nullptr);
    g_write_fd = -1;
}

std::optional<int> SignalPipe::received() {
    unsigned char b = 0;
    while (read_ && ::read(read_.get(), &b, 1) == 1)
        if (!first_) first_ = b;
    return first_;
}

RawMode::RawMode(int fd) : fd_(fd) {
    if (::tcgetattr(fd_, &saved_) != 0) return;
    termios raw = saved_;
    raw.c_lflag &= static_cast<tcflag_t>(~(ECHO | ICANON | ISIG | IEXTEN));
    raw.c_iflag &= static_cast<tcflag_t>(~(IXON | ICRNL));
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    active_ = ::tcsetattr(fd_, TCSAFLUSH, &raw) == 0;
}

RawMode::~RawMode() {
    if (active_) ::tcsetattr(fd_, TCSAFLUSH, &saved_);
}

bool is_tty(int fd) {
    return ::isatty(fd) == 1;
}

int terminal_rows(int fd, int fallback) {
    winsize ws{};
    if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) return ws.ws_row;
    return fallback;
}

int terminal_columns(int fd, int fallback) {
    winsize ws{};
    if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return fallback;
}

}  // namespace ssocred::cli
