#include "config_file_writer.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include "fd.hpp"

namespace ssocred::cli {
namespace {

constexpr std::size_t kMaxConfigBytes = 64u << 20;

Error file_error(const std::string& what, const std::filesystem::path& path, int err) {
    return Error::make(ErrorCode::Io, what + " " + path.string() + ": " + std::strerror(err));
}

Expected<std::string> read_all(const std::filesystem::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return file_error("cannot read", path, errno);
    std::string out;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            return file_error("cannot read", path, errno);
        }
        if (n == 0) return out;
        out.append(buf, static_cast<std::size_t>(n));
        if (out.size() > kMaxConfigBytes)
            return Error::make(ErrorCode::Invalid, path.string() + " is larger than 64 MiB");
    }
}

// Temporary file next to `path`, `content` written and synced, renamed over `path`.
Status write_atomic(const std::filesystem::path& path, std::string_view content, mode_t mode) {
    const auto dir = path.parent_path();
    std::string tmp = (dir / ("." + path.filename().string() + ".ssocred-XXXXXX")).string();
    UniqueFd fd(::mkostemp(tmp.data(), O_CLOEXEC));
    if (fd.get() < 0) return file_error("cannot create a temporary file in", dir, errno);
    auto fail = [&](const char* what) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return file_error(what, path, err);
    };
    if (::fchmod(fd.get(), mode) != 0) return fail("cannot set the mode of");
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

}  // namespace

Expected<ConfigFile> read_config_file(const std::filesystem::path& path) {
    ConfigFile f;
    f.path = path;
    std::error_code ec;
    // canonical() follows every link in the chain (a link to a link in a dotfiles repo).
    f.target = std::filesystem::canonical(path, ec);
    if (ec) {
        if (ec == std::errc::no_such_file_or_directory)
            return Error::make(ErrorCode::NotFound,
                               path.string() +
                                   " does not exist: add an [sso-session] first "
                                   "(`aws configure sso-session`)");
        return Error::make(ErrorCode::Io, "cannot resolve " + path.string() + ": " + ec.message());
    }
    struct stat st {};
    if (::stat(f.target.c_str(), &st) != 0) return file_error("cannot stat", f.target, errno);
    if (!S_ISREG(st.st_mode))
        return Error::make(ErrorCode::Invalid, f.target.string() + " is not a regular file");
    f.mode = st.st_mode & 07777;
    auto text = read_all(f.target);
    if (!text) return std::move(text).error();
    f.text = std::move(*text);
    return f;
}

Expected<std::filesystem::path> replace_config_file(const ConfigFile& file,
                                                    std::string_view new_text) {
    // Someone (an editor, another sync) wrote the file since we read it: their change wins.
    auto now = read_all(file.target);
    if (!now) return std::move(now).error();
    if (*now != file.text) {
        return Error::make(ErrorCode::Invalid, file.target.string() +
                                                   " changed while syncing; nothing was "
                                                   "written, run the command again");
    }
    const std::filesystem::path backup = file.target.string() + ".bak";
    if (auto st = write_atomic(backup, file.text, file.mode); !st) return std::move(st).error();
    if (auto st = write_atomic(file.target, new_text, file.mode); !st) return std::move(st).error();
    return backup;
}

}  // namespace ssocred::cli
