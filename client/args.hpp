// Command-line parsing for every `ssocred` command, in one place.
//
// Each command declares its flags and positional arity in a CommandSpec (commands.cpp);
// parse_command_line() turns argv into an Invocation or a UsageError (exit code 2).
// Global flags (--socket, --json, --no-color, --help, --version) may appear before or
// after the command name.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssocred::cli {

struct Context;
class Args;

using Handler = int (*)(Context&, const Args&);

struct FlagSpec {
    std::string_view name;     // "--profile"
    std::string_view metavar;  // "P" when the flag takes a value, "" for a switch
    std::string_view help;
    std::vector<std::string_view> choices = {};  // allowed values, empty = any
};

struct CommandSpec {
    std::string_view name;
    std::string_view summary;   // one line for the overview
    std::string_view synopsis;  // "[--sso-session N | --profile P] [--no-browser]"
    std::string_view description;
    std::vector<FlagSpec> flags;
    std::size_t min_positional = 0;
    std::size_t max_positional = 0;
    bool supports_json = false;
    // Flags stop at the first positional argument and everything after it is kept verbatim
    // (for `exec`, so the child's own flags are not read as ours).
    bool stop_at_positional = false;
    std::vector<std::pair<std::string_view, std::string_view>> exclusive = {};
    Handler handler = nullptr;
};

class Args {
  public:
    bool has(std::string_view flag) const { return values_.count(std::string(flag)) != 0; }
    std::optional<std::string> get(std::string_view flag) const {
        auto it = values_.find(std::string(flag));
        if (it == values_.end() || !it->second) return std::nullopt;
        return it->second;
    }
    std::string get_or(std::string_view flag, std::string fallback) const {
        auto v = get(flag);
        return v ? *v : fallback;
    }
    const std::vector<std::string>& positional() const { return positional_; }

    void set(std::string flag, std::optional<std::string> value) {
        values_[std::move(flag)] = std::move(value);
    }
    void add_positional(std::string v) { positional_.push_back(std::move(v)); }

  private:
    std::map<std::string, std::optional<std::string>> values_;
    std::vector<std::string> positional_;
};

struct GlobalOptions {
    std::optional<std::string> socket;  // --socket; else SSOCRED_SOCKET / default
    bool json = false;
    bool no_color = false;
};

struct Invocation {
    GlobalOptions global;
    const CommandSpec* command = nullptr;  // null with --help/--version and no command
    Args args;
    bool help = false;
    bool version = false;
};

struct UsageError {
    std::string message;
    const CommandSpec* command = nullptr;  // for "see `ssocred help CMD`"
};

// Either an Invocation or a UsageError; kept as a small struct rather than Expected<T>
// because usage errors carry the command they concern.
struct ParseResult {
    std::optional<Invocation> invocation;
    std::optional<UsageError> error;
};

ParseResult parse_command_line(const std::vector<std::string>& argv,
                               const std::vector<CommandSpec>& commands);

const CommandSpec* find_command(const std::vector<CommandSpec>& commands, std::string_view name);

}  // namespace ssocred::cli
