#include "store/atomic_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

#include "ssocred/errno_text.hpp"
#include "ssocred/secret.hpp"

#include "store/unique_fd.hpp"

namespace ssocred {
namespace {

// ".tmp-" plus 12 lower-case hex digits (what temporary_target recognises). The name only
// has to be new: O_EXCL refuses an existing file, and the directory is the target's own.
// std::random_device rather than the crypto library, which the CLI does not load.
std::string random_suffix() {
    std::random_device device;
    const std::uint64_t bits = (static_cast<std::uint64_t>(device()) << 32) ^ device();
    char hex[13];
    std::snprintf(hex, sizeof hex, "%012llx",
                  static_cast<unsigned long long>(bits & 0xffffffffffffULL));
    return hex;
}

}  // namespace

Error file_error(const std::string& what, const std::filesystem::path& path, int err) {
    return Error::make(ErrorCode::Io, what + " " + path.string() + ": " + errno_text(err));
}

Status write_file_atomic(const std::filesystem::path& path, std::string_view content, mode_t mode) {
    const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    // A leading dot and a random suffix: never collides, and a leftover is recognisable.
    const auto tmp = dir / ("." + path.filename().string() + ".tmp-" + random_suffix());
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
    if (fd.get() < 0) return file_error("cannot create", tmp, errno);
    auto fail = [&](const char* what) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return file_error(what, path, err);
    };
    if (::fchmod(fd.get(), mode) != 0) return fail("cannot set mode of");  // umask-proof
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd.get(), content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("cannot write");
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) return fail("cannot sync");
    if (::close(fd.release()) != 0) return fail("cannot close");
    if (::rename(tmp.c_str(), path.c_str()) != 0) return fail("cannot replace");
    UniqueFd dirfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dirfd.get() >= 0) ::fsync(dirfd.get());  // best effort: the rename itself succeeded
    return ok();
}

std::optional<std::string> temporary_target(std::string_view file) {
    // ".<name>.tmp-" followed by exactly 12 lower-case hex digits (random_suffix()).
    constexpr std::string_view kMarker = ".tmp-";
    constexpr std::size_t kHex = 12;
    if (file.size() < 1 + kMarker.size() + kHex + 1 || file.front() != '.') return std::nullopt;
    const std::string_view hex = file.substr(file.size() - kHex);
    if (!std::all_of(hex.begin(), hex.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }))
        return std::nullopt;
    const std::string_view rest = file.substr(0, file.size() - kHex);
    if (!rest.ends_with(kMarker)) return std::nullopt;
    const std::string_view name = rest.substr(1, rest.size() - 1 - kMarker.size());
    if (name.empty()) return std::nullopt;
    return std::string(name);
}

namespace {

std::size_t sweep_dir(const std::filesystem::path& dir, std::string_view only_name) {
    std::size_t removed = 0;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const auto target = temporary_target(entry.path().filename().string());
        if (!target || (!only_name.empty() && *target != only_name)) continue;
        struct stat st {};
        if (::lstat(entry.path().c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
            st.st_uid != ::geteuid())
            continue;
        if (::unlink(entry.path().c_str()) == 0) ++removed;
    }
    return removed;
}

}  // namespace

std::size_t remove_stale_temporaries(const std::filesystem::path& dir, bool recursive,
                                     std::string_view only_name) {
    std::size_t removed = sweep_dir(dir, only_name);
    if (!recursive) return removed;
    // Directory symlinks are not followed (the default): only the tree we own is swept.
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(
             dir, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code sub_ec;
        if (it->is_directory(sub_ec) && !it->is_symlink(sub_ec))
            removed += sweep_dir(it->path(), only_name);
    }
    return removed;
}

Expected<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes,
                                Symlinks symlinks) {
    const int nofollow = symlinks == Symlinks::Refuse ? O_NOFOLLOW : 0;
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | nofollow));
    if (fd.get() < 0) {
        const int err = errno;
        if (err == ENOENT)
            return Error::make(ErrorCode::NotFound, path.string() + " does not exist");
        return file_error("cannot open", path, err);
    }
    // Reserve the whole file up front: a growing string reallocates and leaves copies of
    // (possibly secret) content in freed heap blocks that nobody wipes.
    std::string out;
    if (struct stat st{}; ::fstat(fd.get(), &st) == 0 && st.st_size > 0)
        out.reserve(std::min<std::size_t>(static_cast<std::size_t>(st.st_size) + 1, max_bytes + 1));
    char buf[8192];
    struct WipeOnExit {
        char* p;
        std::size_t n;
        ~WipeOnExit() { secure_wipe(p, n); }
    } wipe_buf{buf, sizeof buf};
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            secure_wipe(out);
            return file_error("cannot read", path, errno);
        }
        if (n == 0) break;
        if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
            secure_wipe(out);
            return Error::make(ErrorCode::Invalid, path.string() + " is larger than " +
                                                       std::to_string(max_bytes) + " bytes");
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

Status ensure_private_dir(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        return Error::make(ErrorCode::Io, "cannot create " + dir.string() + ": " + ec.message());
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0) return file_error("cannot stat", dir, errno);
    if (!S_ISDIR(st.st_mode))
        return Error::make(ErrorCode::Io, dir.string() + " is not a directory");
    if (st.st_uid != ::getuid())
        return Error::make(ErrorCode::Forbidden, dir.string() + " is owned by another user");
    if ((st.st_mode & 0777) != 0700 && ::chmod(dir.c_str(), 0700) != 0)
        return file_error("cannot chmod", dir, errno);
    return ok();
}

}  // namespace ssocred
