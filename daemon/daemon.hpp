// Daemon: ssocredd as one object. It owns every part, wires them together, and runs the
// event loop until SIGTERM. main() only parses flags and calls run().
#pragma once

#include <memory>

#include "options.hpp"

namespace ssocred {

class Daemon {
  public:
    explicit Daemon(DaemonOptions options);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    // Runs until SIGTERM/SIGINT; returns the process exit code (0 after a clean drain).
    int run();

  private:
    struct Parts;
    DaemonOptions options_;
    std::unique_ptr<Parts> parts_;
};

}  // namespace ssocred
