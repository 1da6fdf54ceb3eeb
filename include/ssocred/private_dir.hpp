// Trusting a directory the control socket lives in (issue 16, item 1).
//
// Without XDG_RUNTIME_DIR the socket's default is /tmp/ssocred-<uid>/ssocred/ssocredd.sock.
// /tmp is shared: another user could create /tmp/ssocred-<uid> first and later swap what
// is inside it. A directory is only as private as every directory above it, so both the
// daemon (before it binds) and the CLI (before it connects) walk the whole path:
//   - every ancestor is owned by root or by us, and is writable by nobody else unless it is
//     sticky (like /tmp: then only an entry's owner can rename it, and the next component
//     must itself be ours or root's);
//   - a symlink on the way is followed only when it sits in such a directory, and its
//     target is checked the same way;
//   - the socket's own directory is a real directory (not a symlink), owned by us, with no
//     access for group or others.
#pragma once

#include <filesystem>
#include <string>
#include <sys/types.h>

#include "ssocred/expected.hpp"

namespace ssocred {

// "uid 65534 (nobody)": a uid as the messages name it.
std::string describe_uid(uid_t uid);

// The CLI's check before it sends anything. NotFound when a component is missing (no
// daemon has run there); Forbidden, naming the other owner, when the directory or one
// above it cannot be trusted.
Status check_private_dir(const std::filesystem::path& dir);

// The daemon's: creates what is missing (mode 0700, one component at a time, never
// through a symlink), tightens the socket directory to 0700 when it is ours but looser
// (never a shared, sticky or world-writable one), then checks as check_private_dir does.
Status prepare_private_dir(const std::filesystem::path& dir);

}  // namespace ssocred
