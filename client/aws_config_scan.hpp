// The names the AWS config file defines, for the CLI's own needs (doctor, completion,
// profiles sync): read with the daemon's parser (config/ini_parser.hpp), so the CLI sees
// exactly the sections ssocredd sees, and a file the daemon rejects is rejected here too,
// with the same line number and reason.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "ssocred/expected.hpp"

namespace ssocred::cli {

struct ConfigSections {
    std::vector<std::string> profiles;      // "[profile X]" and "[default]", in file order
    std::vector<std::string> sso_sessions;  // "[sso-session X]"
};

// `file_name` labels parse errors ("<file>:<line>: <reason>").
Expected<ConfigSections> scan_config_text(std::string_view text, std::string_view file_name);
Expected<ConfigSections> scan_config_file(const std::filesystem::path& path);

}  // namespace ssocred::cli
