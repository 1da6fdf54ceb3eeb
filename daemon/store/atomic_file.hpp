// Atomic file replacement: the content lands at `path` whole or not at all.
//
// Writes a temporary file in the same directory (O_EXCL, the given mode), fsyncs it,
// renames it over `path` and fsyncs the directory, so a crash (kill -9, power loss) at any
// moment leaves either the old or the new file, and a failed write never leaves the
// temporary behind.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "ssocred/expected.hpp"

namespace ssocred {

Status write_file_atomic(const std::filesystem::path& path, std::string_view content,
                         mode_t mode = 0600);

// Reads a whole file (up to max_bytes; larger files are an Invalid error).
Expected<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes = 1 << 20);

// Creates `dir` (and parents) if missing and makes sure it is mode 0700 and owned by us.
Status ensure_private_dir(const std::filesystem::path& dir);

}  // namespace ssocred
