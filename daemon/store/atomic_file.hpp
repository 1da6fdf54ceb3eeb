// Atomic file replacement: the content lands at `path` whole or not at all.
//
// Writes a temporary file in the same directory (O_EXCL, the given mode), fsyncs it,
// renames it over `path` and fsyncs the directory, so a crash (kill -9, power loss) at any
// moment leaves either the old or the new file, and a failed write never leaves the
// temporary behind.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "ssocred/expected.hpp"

namespace ssocred {

Status write_file_atomic(const std::filesystem::path& path, std::string_view content,
                         mode_t mode = 0600);

// The Io error of a failed call on a file: "<what> <path>: <errno text>".
Error file_error(const std::string& what, const std::filesystem::path& path, int err);

// The file a write_file_atomic temporary was meant to replace: ".<name>.tmp-<12 hex>" ->
// "<name>"; nullopt for any other file name.
std::optional<std::string> temporary_target(std::string_view file);

// Removes what write_file_atomic leaves when the process is killed between creating its
// temporary and the rename: files named ".<name>.tmp-<12 hex digits>" in `dir` (and, with
// `recursive`, in every directory below it, e.g. tokens/<id>/), regular files of ours only.
// Call it only where no other writer can be between those two steps: at start-up before
// any write, or under the lock every writer of `only_name` holds. `only_name` non-empty:
// only temporaries of that file. Returns how many were removed; errors are ignored (best
// effort).
std::size_t remove_stale_temporaries(const std::filesystem::path& dir, bool recursive = false,
                                     std::string_view only_name = {});

// Whether read_file follows a symbolic link in the last component. ssocred's own state
// never does (a link planted there is an attack); the user's AWS config may be a link into a
// dotfiles repository, and the AWS CLI follows it.
enum class Symlinks { Refuse, Follow };

// Reads a whole file (up to max_bytes; larger files are an Invalid error).
Expected<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes = 1 << 20,
                                Symlinks symlinks = Symlinks::Refuse);

// Creates `dir` (and parents) if missing and makes sure it is mode 0700 and owned by us.
Status ensure_private_dir(const std::filesystem::path& dir);

}  // namespace ssocred
