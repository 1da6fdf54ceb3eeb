// Rendering environment changes as commands for each shell, so that
// `eval "$(ssocred env)"` (or `ssocred env | source`, `| Invoke-Expression`) applies them.
//
// Values are always single-quoted with the shell's own escaping rule; nothing inside is
// ever expanded. Each line ends with ';' so that even an unquoted `eval $(ssocred env)`
// (which joins the lines with spaces) still runs one statement per variable.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssocred::cli {

enum class Shell { Sh, Bash, Zsh, Fish, PowerShell };

std::optional<Shell> shell_from_name(std::string_view name);  // "bash", "pwsh", "/bin/zsh"…
// From $SHELL's basename; sh when unset or unknown.
Shell default_shell();

// One change to the environment: set (value) or unset (no value).
struct EnvOp {
    std::string name;
    std::optional<std::string> value;

    bool operator==(const EnvOp&) const = default;
};

std::string quote(Shell shell, std::string_view value);
std::string render_op(Shell shell, const EnvOp& op);
std::string render_ops(Shell shell, const std::vector<EnvOp>& ops);

// A name every shell accepts as a variable: [A-Za-z_][A-Za-z0-9_]*.
bool valid_env_name(std::string_view name);

}  // namespace ssocred::cli
