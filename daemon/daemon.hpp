// Daemon: ssocredd as one object. It owns every part (daemon_parts.hpp), wires them together,
// starts the jobs that keep them running (jobs/), and runs the event loop until SIGTERM.
// main() only parses flags and calls run().
#pragma once

#include <memory>

#include "options.hpp"

namespace ssocred {

struct DaemonParts;

class Daemon {
  public:
    explicit Daemon(DaemonOptions options);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    // Runs until SIGTERM/SIGINT; returns the process exit code (0 after a clean drain).
    int run();

  private:
    DaemonOptions options_;
    std::unique_ptr<DaemonParts> parts_;
};

}  // namespace ssocred
