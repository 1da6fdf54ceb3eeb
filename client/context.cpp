#include "context.hpp"

#include <ostream>

#include "ssocred/paths.hpp"

#include "commands.hpp"
#include "signin.hpp"

namespace ssocred::cli {

std::string Context::socket_path() const {
    if (global.socket) return *global.socket;
    return paths::default_socket().string();
}

ControlClient Context::client() const {
    return ControlClient(socket_path());
}

int exit_code_for(const Error& e) {
    if (e.upstream_type == kDaemonNotRunning) return kExitDaemonDown;
    if (e.upstream_type == kInterrupted) return kExitInterrupted;  // a sign-in, by Ctrl-C
    return kExitFailure;
}

int report(Context& ctx, const Error& e) {
    std::string message = e.message.empty() ? "something went wrong" : e.message;
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
    ctx.err << "ssocred: " << message << " (see `ssocred help" << (command.empty() ? "" : " ")
            << command << "`)\n";
    return kExitUsage;
}

}  // namespace ssocred::cli
