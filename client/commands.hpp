// The command table: every command's flags, help text and handler (one file per command,
// cmd_*.cpp). Help output and shell completions are generated from this table.
#pragma once

#include <iosfwd>
#include <vector>

#include "args.hpp"

namespace ssocred::cli {

const std::vector<CommandSpec>& commands();

void print_overview(std::ostream& out);
void print_command_help(std::ostream& out, const CommandSpec& cmd);

int cmd_help(Context&, const Args&);
int cmd_login(Context&, const Args&);
int cmd_logout(Context&, const Args&);
int cmd_list(Context&, const Args&);
int cmd_use(Context&, const Args&);
int cmd_profiles(Context&, const Args&);
int cmd_status(Context&, const Args&);
int cmd_env(Context&, const Args&);
int cmd_tokens(Context&, const Args&);
int cmd_exec(Context&, const Args&);
int cmd_console(Context&, const Args&);
int cmd_credential_process(Context&, const Args&);
int cmd_container_setup(Context&, const Args&);
int cmd_doctor(Context&, const Args&);
int cmd_completion(Context&, const Args&);

}  // namespace ssocred::cli
