// Entry point of the CLI, separate from main() so tests can run it in-process.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace ssocred::cli {

// Parses `args` (without the program name), runs the command, returns the exit code.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace ssocred::cli
