// $BROWSER as Python's webbrowser reads it (and git, which follows the same convention):
// a list of commands separated by ':' (os.pathsep), tried in order until one succeeds.
// An entry containing "%s" is a command line: split into words as a POSIX shell would
// (quotes and backslashes), "%s" replaced by the URL in every word, and a last word "&"
// meaning "run in the background". Any other entry is a program name or path, run with
// the URL as its one argument (not split at spaces, as Python does).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ssocred::cli {

struct BrowserCommand {
    std::vector<std::string> argv;
    bool background = false;  // the entry ended in "&": do not wait for it
};

std::vector<BrowserCommand> browser_commands(std::string_view browser_env, const std::string& url);

}  // namespace ssocred::cli
