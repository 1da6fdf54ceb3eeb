#include "args.hpp"

#include <algorithm>

#include "ssocred/suggest.hpp"

namespace ssocred::cli {
namespace {

std::string quoted(std::string_view name) {
    return "`ssocred " + std::string(name) + "`";
}

std::string command_suggestion(const std::vector<CommandSpec>& commands, std::string_view word) {
    std::vector<std::string> names;
    for (const auto& c : commands) names.emplace_back(c.name);
    return did_you_mean(word, names);
}

std::string flag_suggestion(const CommandSpec& cmd, std::string_view word) {
    std::vector<std::string> names;
    for (const auto& f : cmd.flags) names.emplace_back(f.name);
    return did_you_mean(word, names);
}

const FlagSpec* find_flag(const CommandSpec& cmd, std::string_view name) {
    for (const auto& f : cmd.flags)
        if (f.name == name) return &f;
    return nullptr;
}

bool is_global_switch(std::string_view name) {
    return name == "--json" || name == "--no-color" || name == "--help" || name == "-h" ||
           name == "--version";
}

}  // namespace

const CommandSpec* find_command(const std::vector<CommandSpec>& commands, std::string_view name) {
    for (const auto& c : commands)
        if (c.name == name) return &c;
    return nullptr;
}

ParseResult parse_command_line(const std::vector<std::string>& argv,
                               const std::vector<CommandSpec>& commands) {
    Invocation inv;
    bool flags_done = false;
    auto fail = [&](std::string message) {
        return ParseResult{std::nullopt, UsageError{std::move(message), inv.command}};
    };

    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        if (flags_done) {
            inv.args.add_positional(arg);
            continue;
        }
        if (arg == "--") {
            if (inv.command == nullptr) return fail("expected a command before `--`");
            flags_done = true;
            continue;
        }
        if (arg.size() < 2 || arg[0] != '-') {
            if (inv.command == nullptr) {
                inv.command = find_command(commands, arg);
                if (inv.command == nullptr)
                    return fail("unknown command \"" + arg + "\"" +
                                command_suggestion(commands, arg));
                continue;
            }
            inv.args.add_positional(arg);
            if (inv.command->stop_at_positional) flags_done = true;
            continue;
        }

        // A flag: --name, --name=value or --name value.
        std::string name = arg;
        std::optional<std::string> inline_value;
        if (auto eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
            name = arg.substr(0, eq);
            inline_value = arg.substr(eq + 1);
        }
        auto take_value = [&](std::string_view metavar) -> std::optional<std::string> {
            if (inline_value) return inline_value;
            if (i + 1 >= argv.size()) return std::nullopt;
            (void)metavar;
            return argv[++i];
        };

        if (is_global_switch(name)) {
            if (inline_value) return fail(name + " takes no value");
            if (name == "--json") inv.global.json = true;
            if (name == "--no-color") inv.global.no_color = true;
            if (name == "--help" || name == "-h") inv.help = true;
            if (name == "--version") inv.version = true;
            continue;
        }
        if (name == "--socket") {
            auto v = take_value("PATH");
            if (!v || v->empty()) return fail("--socket needs a path");
            inv.global.socket = *v;
            continue;
        }
        const FlagSpec* flag = inv.command ? find_flag(*inv.command, name) : nullptr;
        if (flag == nullptr) {
            if (inv.command == nullptr)
                return fail("unknown flag " + name + " (flags go after the command)");
            return fail("unknown flag " + name + " for " + quoted(inv.command->name) +
                        flag_suggestion(*inv.command, name));
        }
        if (flag->metavar.empty()) {
            if (inline_value) return fail(name + " takes no value");
            inv.args.set(name, std::nullopt);
            continue;
        }
        auto v = take_value(flag->metavar);
        if (!v) return fail(name + " needs a value (" + std::string(flag->metavar) + ")");
        if (!flag->choices.empty() &&
            std::find(flag->choices.begin(), flag->choices.end(), *v) == flag->choices.end()) {
            std::string allowed;
            for (auto c : flag->choices) allowed += (allowed.empty() ? "" : ", ") + std::string(c);
            return fail(name + " must be one of " + allowed + ", not '" + *v + "'");
        }
        inv.args.set(name, *v);
    }

    if (inv.help || inv.version) return ParseResult{std::move(inv), std::nullopt};
    if (inv.command == nullptr) return fail("expected a command");

    const CommandSpec& cmd = *inv.command;
    const auto count = inv.args.positional().size();
    if (count < cmd.min_positional)
        return fail(quoted(cmd.name) + " needs " +
                    (cmd.min_positional == 1 ? std::string("an argument")
                                             : std::to_string(cmd.min_positional) + " arguments"));
    if (count > cmd.max_positional)
        return fail("unexpected argument '" + inv.args.positional()[cmd.max_positional] + "' for " +
                    quoted(cmd.name));
    for (const auto& [a, b] : cmd.exclusive)
        if (inv.args.has(a) && inv.args.has(b))
            return fail(std::string(a) + " and " + std::string(b) + " cannot be used together");
    if (inv.global.json && !cmd.supports_json)
        return fail(quoted(cmd.name) + " has no --json output");
    return ParseResult{std::move(inv), std::nullopt};
}

}  // namespace ssocred::cli
