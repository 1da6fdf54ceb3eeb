// Reading and replacing the user's AWS config file for `profiles sync`.
//
// Guarantees: the file is replaced whole or not at all (temporary file in the same
// directory, fsync, rename, fsync of the directory); the previous content is kept as
// `<file>.bak` (itself written the same way) before the replace; a symlinked config (a
// dotfiles repo) stays a symlink: its target is what is replaced; the file's permission bits
// are kept. A file that changed since it was read is not overwritten.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "ssocred/expected.hpp"

namespace ssocred::cli {

struct ConfigFile {
    std::filesystem::path path;    // as named (AWS_CONFIG_FILE or ~/.aws/config)
    std::filesystem::path target;  // symlinks resolved: the file that is replaced
    std::string text;
    mode_t mode = 0600;
};

Expected<ConfigFile> read_config_file(const std::filesystem::path& path);

// Returns the backup's path.
Expected<std::filesystem::path> replace_config_file(const ConfigFile& file,
                                                    std::string_view new_text);

}  // namespace ssocred::cli
