// A shallow look at the AWS config file for the CLI's own needs (doctor, completion):
// section names only. Real parsing lives in the daemon.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ssocred/expected.hpp"

namespace ssocred::cli {

struct ConfigSections {
    std::vector<std::string> profiles;      // "[profile X]" and "[default]"
    std::vector<std::string> sso_sessions;  // "[sso-session X]"
};

ConfigSections scan_config_text(const std::string& text);
Expected<ConfigSections> scan_config_file(const std::filesystem::path& path);

}  // namespace ssocred::cli
