#include "cli.hpp"

#include <exception>
#include <ostream>
#include <unistd.h>

#include "ssocred/suggest.hpp"
#include "ssocred/version.hpp"

#include "commands.hpp"
#include "context.hpp"
#include "terminal.hpp"

namespace ssocred::cli {

namespace {

// Whether --json was asked for, when parsing failed before it was read: any `--json`
// before a `--` (a command's own arguments after `--` are not ours).
bool json_requested(const std::vector<std::string>& args) {
    for (const auto& a : args) {
        if (a == "--") return false;
        if (a == "--json") return true;
    }
    return false;
}

void print_json_error(std::ostream& out, std::string_view code, const std::string& message) {
    print_json(out, {{"error", {{"code", code}, {"message", message}}}});
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    auto parsed = parse_command_line(args, commands());
    if (parsed.error) {
        if (json_requested(args)) print_json_error(out, kUsageErrorCode, parsed.error->message);
        err << "ssocred: " << parsed.error->message;
        if (parsed.error->command != nullptr)
            err << " (see `ssocred help " << parsed.error->command->name << "`)\n";
        else
            err << " (see `ssocred --help`)\n";
        return kExitUsage;
    }
    Invocation& inv = *parsed.invocation;
    if (inv.version) {
        out << "ssocred " << kVersion << '\n';
        return kExitOk;
    }
    if (inv.help) {
        if (inv.command != nullptr)
            print_command_help(out, *inv.command);
        else
            print_overview(out);
        return kExitOk;
    }

    Context ctx{inv.global, out, err, false, false, false, Style{}, Style{}};
    ctx.stdout_tty = is_tty(STDOUT_FILENO);
    ctx.stderr_tty = is_tty(STDERR_FILENO);
    ctx.stdin_tty = is_tty(STDIN_FILENO);
    ctx.style.color = color_wanted(ctx.stdout_tty, inv.global.no_color);
    ctx.err_style.color = color_wanted(ctx.stderr_tty, inv.global.no_color);
    try {
        return inv.command->handler(ctx, inv.args);
    } catch (const std::exception& e) {
        // Only library internals throw (JSON type errors on a malformed reply).
        const std::string message =
            std::string("unexpected reply from ssocredd (") + e.what() + ")";
        if (inv.global.json) print_json_error(out, "bad_response", message);
        err << "ssocred: " << message << "\n";
        return kExitFailure;
    }
}

int cmd_help(Context& ctx, const Args& args) {
    if (args.positional().empty()) {
        print_overview(ctx.out);
        return kExitOk;
    }
    const CommandSpec* cmd = find_command(commands(), args.positional()[0]);
    if (cmd == nullptr) {
        std::vector<std::string> names;
        for (const auto& c : commands()) names.emplace_back(c.name);
        return usage(ctx, "",
                     "unknown command \"" + args.positional()[0] + "\"" +
                         did_you_mean(args.positional()[0], names));
    }
    print_command_help(ctx.out, *cmd);
    return kExitOk;
}

}  // namespace ssocred::cli
