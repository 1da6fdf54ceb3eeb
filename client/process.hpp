// Starting other programs: the browser (detached, never fatal) and `ip` (captured).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ssocred/expected.hpp"

namespace ssocred::cli {

// Full path of `name` found in $PATH, if any.
std::optional<std::string> find_in_path(const std::string& name);

// Opens `url`: with the commands of $BROWSER first (browser_command.hpp; a foreground one
// is waited for and writes to `output_fd`, default stderr), else with xdg-open (Linux, only
// with a display) or open (macOS) in a detached process whose output goes to /dev/null.
// False when nothing could open it.
bool open_in_browser(const std::string& url, int output_fd = -1);

struct RunResult {
    int exit_status = -1;  // exit code, or 128+signal
    std::string output;    // stdout and stderr together
};
// Runs argv[0] (looked up in PATH) and waits for it.
Expected<RunResult> run_capture(const std::vector<std::string>& argv);

// Exit status as a shell reports it: the code, or 128 + signal number.
int shell_status(int wait_status);

}  // namespace ssocred::cli
