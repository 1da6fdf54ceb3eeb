// What every command handler gets: its output streams, the global options, terminal
// facts, and a way to reach the daemon. Also the exit codes and the one place where an
// Error becomes a message on stderr plus an exit code.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include "ssocred/expected.hpp"

#include "args.hpp"
#include "control_client.hpp"
#include "output.hpp"

namespace ssocred::cli {

enum ExitCode : int {
    kExitOk = 0,
    kExitFailure = 1,
    kExitUsage = 2,
    kExitDaemonDown = 3,
    kExitInterrupted = 130,  // 128 + SIGINT, as shells report Ctrl-C
};

struct Context {
    GlobalOptions global;
    std::ostream& out;
    std::ostream& err;
    bool stdout_tty = false;
    bool stderr_tty = false;
    bool stdin_tty = false;
    Style style;      // for `out`
    Style err_style;  // for `err`
    // Start ssocredd when it is not running (autostart.hpp); `doctor` turns it off, as it
    // reports how the daemon runs rather than changing it.
    bool autostart = true;

    ControlClient client() const;
    std::string socket_path() const;
};

// 3 when the daemon is not running, else 1.
int exit_code_for(const Error& e);
// The `code` of a --json error document: the daemon's API code for its answers,
// "daemon_not_running", else the CLI's own ErrorCode name (docs/cli.md lists them).
std::string error_code_name(const Error& e);
inline constexpr std::string_view kUsageErrorCode = "usage";
// Prints "ssocred: <message>" on stderr (and with --json the error document
// {"error":{"code","message"}} on stdout) and returns exit_code_for(e).
int report(Context& ctx, const Error& e);
// While the AWS config file is broken the daemon answers from its last good version and
// says so in `config_error`; commands that used the config pass it on as a warning.
void warn_config_error(Context& ctx, const nlohmann::json& reply);
// A usage error inside a handler (after parsing): message plus a pointer to help; exit 2.
// With --json also the error document, code "usage".
int usage(Context& ctx, std::string_view command, const std::string& message);

}  // namespace ssocred::cli
