#include "shell.hpp"

#include <cctype>
#include <cstdlib>

namespace ssocred::cli {

std::optional<Shell> shell_from_name(std::string_view name) {
    if (auto slash = name.rfind('/'); slash != std::string_view::npos)
        name = name.substr(slash + 1);
    // Login shells show up as "-bash".
    if (!name.empty() && name.front() == '-') name.remove_prefix(1);
    if (name == "sh" || name == "dash" || name == "ash" || name == "ksh" || name == "mksh")
        return Shell::Sh;
    if (name == "bash") return Shell::Bash;
    if (name == "zsh") return Shell::Zsh;
    if (name == "fish") return Shell::Fish;
    if (name == "powershell" || name == "pwsh" || name == "pwsh.exe" || name == "powershell.exe")
        return Shell::PowerShell;
    return std::nullopt;
}

Shell default_shell() {
    const char* s = std::getenv("SHELL");
    if (s == nullptr) return Shell::Sh;
    return shell_from_name(s).value_or(Shell::Sh);
}

bool valid_env_name(std::string_view name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    return true;
}

std::string quote(Shell shell, std::string_view value) {
    std::string out = "'";
    switch (shell) {
        case Shell::Sh:
        case Shell::Bash:
        case Shell::Zsh:
            // POSIX: nothing is special inside '…'; a quote ends it, so emit '\'' .
            for (char c : value) {
                if (c == '\'')
                    out += "'\\''";
                else
                    out.push_back(c);
            }
            break;
        case Shell::Fish:
            // fish: inside '…' only \' and \\ are escapes.
            for (char c : value) {
                if (c == '\'' || c == '\\') out.push_back('\\');
                out.push_back(c);
            }
            break;
        case Shell::PowerShell:
            // PowerShell: '' is a literal quote; the typographic single quotes U+2018..U+201B
            // also delimit strings, so they are doubled the same way.
            for (std::size_t i = 0; i < value.size(); ++i) {
                char c = value[i];
                if (c == '\'') {
                    out += "''";
                    continue;
                }
                if (static_cast<unsigned char>(c) == 0xE2 && i + 2 < value.size() &&
                    static_cast<unsigned char>(value[i + 1]) == 0x80) {
                    auto third = static_cast<unsigned char>(value[i + 2]);
                    if (third >= 0x98 && third <= 0x9B) {
                        std::string q(value.substr(i, 3));
                        out += q + q;
                        i += 2;
                        continue;
                    }
                }
                out.push_back(c);
            }
            break;
    }
    out.push_back('\'');
    return out;
}

std::string render_op(Shell shell, const EnvOp& op) {
    switch (shell) {
        case Shell::Sh:
        case Shell::Bash:
        case Shell::Zsh:
            if (op.value) return "export " + op.name + "=" + quote(shell, *op.value) + ";";
            return "unset " + op.name + ";";
        case Shell::Fish:
            if (op.value) return "set -gx " + op.name + " " + quote(shell, *op.value) + ";";
            // `set -e` of an unset variable fails quietly; `or true` keeps $status 0.
            return "set -e " + op.name + "; or true;";
        case Shell::PowerShell:
            if (op.value) return "$Env:" + op.name + " = " + quote(shell, *op.value) + ";";
            return "Remove-Item Env:" + op.name + " -ErrorAction SilentlyContinue;";
    }
    return {};
}

std::string render_ops(Shell shell, const std::vector<EnvOp>& ops) {
    std::string out;
    for (const auto& op : ops) out += render_op(shell, op) + "\n";
    return out;
}

}  // namespace ssocred::cli
