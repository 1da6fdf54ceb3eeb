// Shell completion scripts, generated from the command table so they never drift from
// the real flags. client/completions/ holds the same output for packagers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ssocred::cli {

// "bash", "zsh" or "fish"; nullopt for another shell.
std::optional<std::string> completion_script(std::string_view shell);

}  // namespace ssocred::cli
