#include "context.hpp"

#include <ostream>

#include "ssocred/paths.hpp"

#include "autostart.hpp"
#include "commands.hpp"
#include "signin.hpp"

namespace ssocred::cli {
namespace {

// With --json, stdout is the document: an error is one too, so a script can branch on
// `code` without parsing stderr. The human line stays on stderr (docs/cli.md "Errors").
void print_json_error(Context& ctx, std::string_view code, const std::string& message) {
    if (!ctx.global.json) return;
    print_json(ctx.out, {{"error", {{"code", code}, {"message", message}}}});
}

}  // namespace

std::string Context::socket_path() const {
    if (global.socket) return *global.socket;
    return paths::default_socket().string();
}

ControlClient Context::client() const {
    ControlClient c(socket_path());
    c.with_autostart(autostart && autostart_enabled(), stderr_tty);
    return c;
}

int exit_code_for(const Error& e) {
    if (e.upstream_type == kDaemonNotRunning) return kExitDaemonDown;
    if (e.upstream_type == kInterrupted) return kExitInterrupted;  // a sign-in, by Ctrl-C
    return kExitFailure;
}

std::string error_code_name(const Error& e) {
    if (e.upstream_type == kDaemonNotRunning) return std::string(kDaemonNotRunning);
    // An answer of the daemon carries its API code (docs/control-api.md) as upstream_type.
    if (e.http_status != 0 && !e.upstream_type.empty()) return e.upstream_type;
    return to_string(e.code);
}

int report(Context& ctx, const Error& e) {
    std::string message = e.message.empty() ? "something went wrong" : e.message;
    print_json_error(ctx, error_code_name(e), message);
    ctx.err << "ssocred: " << message << '\n';
    return exit_code_for(e);
}

void warn_config_error(Context& ctx, const nlohmann::json& reply) {
    if (!reply.is_object()) return;
    const auto it = reply.find("config_error");
    if (it == reply.end() || !it->is_string()) return;
    ctx.err << "ssocred: warning: " << it->get<std::string>() << '\n';
}

int usage(Context& ctx, std::string_view command, const std::string& message) {
    print_json_error(ctx, kUsageErrorCode, message);
    ctx.err << "ssocred: " << message << " (see `ssocred help" << (command.empty() ? "" : " ")
            << command << "`)\n";
    return kExitUsage;
}

}  // namespace ssocred::cli
