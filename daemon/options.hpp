// ssocredd's command line (DESIGN.md "Daemon: ssocredd").
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ssocred/expected.hpp"

namespace ssocred {

// Sync: the AWS CLI cache gets what the CLI and SDKs need to use the token (no refresh
// token, no client secret); SyncFull: the whole file, as the AWS CLI writes it; Off: none.
enum class AwsCacheMode { Sync, SyncFull, Off };

// "sync", "sync-full" or "off", as on the command line.
const char* aws_cache_mode_name(AwsCacheMode mode);
enum class LogFormat { Text, Json };

struct DaemonOptions {
    std::filesystem::path socket;     // --socket (default paths::default_socket())
    std::vector<std::string> listen;  // --listen ADDR:PORT, repeatable
    std::filesystem::path state_dir;  // --state-dir (default paths::default_state_dir())
    AwsCacheMode aws_cache = AwsCacheMode::Sync;
    bool imds_v1 = false;
    std::vector<std::string> allow_cidrs;  // --allow-cidr, repeatable
    std::string log_level = "info";
    LogFormat log_format = LogFormat::Text;
};

// What main() should do after parsing.
struct ParsedCommandLine {
    enum class Action { Run, PrintHelp, PrintVersion } action = Action::Run;
    DaemonOptions options;
};

// Parses argv; usage errors come back as ErrorCode::Invalid with a one-line message.
Expected<ParsedCommandLine> parse_command_line(int argc, const char* const* argv);
std::string usage_text();

}  // namespace ssocred
