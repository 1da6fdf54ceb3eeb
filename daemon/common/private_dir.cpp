#include "ssocred/private_dir.hpp"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "ssocred/errno_text.hpp"

namespace ssocred {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxSymlinks = 8;

std::string octal(mode_t mode) {
    char b[8];
    std::snprintf(b, sizeof b, "%04o", static_cast<unsigned>(mode & 07777));
    return b;
}

Error untrusted(const fs::path& p, const std::string& why) {
    return Error::make(ErrorCode::Forbidden,
                       p.string() + " " + why +
                           ": another user could put a fake control socket there. Remove it, "
                           "or set XDG_RUNTIME_DIR (or --socket) to a private directory");
}

Error not_owned(const fs::path& p, uid_t owner) {
    return untrusted(p, "is owned by " + describe_uid(owner) + ", not by you (" +
                            describe_uid(::getuid()) + ")");
}

Error stat_error(const fs::path& p, int err) {
    if (err == ENOENT || err == ENOTDIR)
        return Error::make(ErrorCode::NotFound, p.string() + " does not exist");
    return Error::make(ErrorCode::Io, "cannot inspect " + p.string() + ": " + errno_text(err));
}

// `p` may be passed through: a directory owned by root or us that nobody else can write to,
// unless it is sticky (then the next component's owner is what counts, checked next).
Status check_ancestor(const fs::path& p, const struct stat& st) {
    if (!S_ISDIR(st.st_mode)) return untrusted(p, "is not a directory");
    if (st.st_uid != 0 && st.st_uid != ::getuid()) return not_owned(p, st.st_uid);
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0)
        return untrusted(p, "is writable by other users (mode " + octal(st.st_mode) + ")");
    return ok();
}

struct Walk {
    fs::path resolved;  // the deepest existing component, symlinks resolved
    fs::path rest;      // what is missing below it (relative; empty when all exists)
};

// Checks every existing component of the absolute `path` as an ancestor, following a
// symlink only when it sits in a trusted directory (so nobody else can swap it) and
// checking its target the same way.
Expected<Walk> walk(const fs::path& path, int depth) {
    if (depth > kMaxSymlinks) return untrusted(path, "has too many symlinks on the way");
    struct stat st {};
    if (::lstat("/", &st) != 0) return stat_error("/", errno);
    if (auto s = check_ancestor("/", st); !s) return s.error();
    Walk w{"/", {}};
    for (auto it = path.begin(); it != path.end(); ++it) {
        const fs::path& part = *it;
        if (part == "/" || part.empty() || part == ".") continue;
        if (part == "..") {
            w.resolved = w.resolved.parent_path();
            continue;
        }
        const fs::path next = w.resolved / part;
        if (::lstat(next.c_str(), &st) != 0) {
            if (errno != ENOENT) return stat_error(next, errno);
            for (; it != path.end(); ++it) w.rest /= *it;
            return w;
        }
        if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            if (::realpath(next.c_str(), target) == nullptr) return stat_error(next, errno);
            auto sub = walk(target, depth + 1);
            if (!sub) return sub.error();
            if (!sub->rest.empty()) return stat_error(next, ENOENT);
            w.resolved = sub->resolved;
            continue;
        }
        if (auto s = check_ancestor(next, st); !s) return s.error();
        w.resolved = next;
    }
    return w;
}

// The socket's own directory: a real directory, ours, closed to everyone else.
Status check_final(const fs::path& dir, bool tighten) {
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0) return stat_error(dir, errno);
    if (S_ISLNK(st.st_mode)) return untrusted(dir, "is a symlink");
    if (!S_ISDIR(st.st_mode)) return untrusted(dir, "is not a directory");
    if (st.st_uid != ::getuid()) return not_owned(dir, st.st_uid);
    if ((st.st_mode & 077) == 0) return ok();
    // Ours but looser: the daemon closes it, as it always did, unless it is a shared
    // directory (sticky or world-writable, like /tmp), which is not ours to close. The
    // client only reports it.
    const bool shared = (st.st_mode & (S_ISVTX | S_IWOTH)) != 0;
    if (shared || (!tighten && (st.st_mode & S_IWGRP) != 0))
        return untrusted(dir, "is open to other users (mode " + octal(st.st_mode) + ")");
    if (!tighten) {
        return Error::make(ErrorCode::Forbidden, dir.string() + " is not private (mode " +
                                                     octal(st.st_mode) +
                                                     "; ssocredd makes it 0700): run `chmod 700 " +
                                                     dir.string() + "` if it is yours to use");
    }
    if (::chmod(dir.c_str(), 0700) != 0) {
        const int err = errno;
        return Error::make(ErrorCode::Io, "cannot chmod " + dir.string() + ": " + errno_text(err));
    }
    return ok();
}

fs::path absolute_of(const fs::path& dir) {
    std::error_code ec;
    auto abs = fs::absolute(dir, ec);
    abs = (ec ? dir : abs).lexically_normal();
    // "/a/b/" -> "/a/b": filename() must be the last component.
    if (abs.has_relative_path() && abs.filename().empty()) abs = abs.parent_path();
    return abs;
}

}  // namespace

std::string describe_uid(uid_t uid) {
    std::string out = "uid " + std::to_string(uid);
    struct passwd pw {};
    struct passwd* found = nullptr;
    char buf[4096];
    if (::getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found != nullptr &&
        found->pw_name != nullptr) {
        out += " (" + std::string(found->pw_name) + ")";
    }
    return out;
}

Status check_private_dir(const fs::path& dir) {
    const fs::path abs = absolute_of(dir);
    auto w = walk(abs.parent_path(), 0);
    if (!w) return w.error();
    if (!w->rest.empty()) return stat_error(abs, ENOENT);
    return check_final(w->resolved / abs.filename(), false);
}

Status prepare_private_dir(const fs::path& dir) {
    const fs::path abs = absolute_of(dir);
    auto w = walk(abs.parent_path(), 0);
    if (!w) return w.error();
    // Create what is missing below the last trusted directory, each 0700. mkdir never
    // follows a symlink at the new name; EEXIST (a race, or the final directory already
    // there) is checked like any other component.
    std::vector<fs::path> parts;
    for (const auto& part : w->rest) {
        if (!part.empty() && part != ".") parts.push_back(part);
    }
    parts.push_back(abs.filename());
    fs::path at = w->resolved;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        at /= parts[i];
        if (::mkdir(at.c_str(), 0700) != 0 && errno != EEXIST) {
            const int err = errno;
            return Error::make(ErrorCode::Io,
                               "cannot create " + at.string() + ": " + errno_text(err));
        }
        if (i + 1 == parts.size()) break;  // the socket's directory: check_final below
        struct stat st {};
        if (::lstat(at.c_str(), &st) != 0) return stat_error(at, errno);
        if (S_ISLNK(st.st_mode)) return untrusted(at, "is a symlink");
        if (auto s = check_ancestor(at, st); !s) return s;
    }
    return check_final(at, true);
}

}  // namespace ssocred
