// Terminal and signal plumbing: a self-pipe for signals (so a blocking wait can notice
// Ctrl-C without races) and a guard that restores termios settings on every exit path.
#pragma once

#include <initializer_list>
#include <optional>
#include <signal.h>
#include <termios.h>
#include <vector>

#include "store/unique_fd.hpp"

namespace ssocred::cli {

// While alive, the listed signals write their number into a pipe instead of killing the
// process; the previous handlers come back on destruction. One instance at a time.
class SignalPipe {
  public:
    explicit SignalPipe(std::initializer_list<int> signals);
    ~SignalPipe();
    SignalPipe(const SignalPipe&) = delete;
    SignalPipe& operator=(const SignalPipe&) = delete;

    int fd() const { return read_.get(); }
    // The first signal received so far, if any (non-blocking).
    std::optional<int> received();

  private:
    UniqueFd read_;
    UniqueFd write_;
    std::vector<std::pair<int, struct sigaction>> previous_;
    std::optional<int> first_;
};

// Puts a terminal in raw mode (no echo, no line buffering, no signals from keys) and
// restores the saved settings when destroyed.
class RawMode {
  public:
    explicit RawMode(int fd);
    ~RawMode();
    RawMode(const RawMode&) = delete;
    RawMode& operator=(const RawMode&) = delete;
    bool active() const { return active_; }

  private:
    int fd_;
    termios saved_{};
    bool active_ = false;
};

bool is_tty(int fd);
// Terminal rows for `fd`, or `fallback` when unknown.
int terminal_rows(int fd, int fallback);
// Terminal columns for `fd`, or `fallback` when unknown.
int terminal_columns(int fd, int fallback);

}  // namespace ssocred::cli
