#include "config_file_writer.hpp"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <system_error>

#include "ssocred/errno_text.hpp"

#include "store/atomic_file.hpp"

namespace ssocred::cli {
namespace {

constexpr std::size_t kMaxConfigBytes = 64u << 20;

Error file_error(const std::string& what, const std::filesystem::path& path, int err) {
    return Error::make(ErrorCode::Io, what + " " + path.string() + ": " + errno_text(err));
}

// The daemon's reader: reserved up front, size-capped, and it follows the link (the user's own
// file, as in the AWS CLI).
Expected<std::string> read_all(const std::filesystem::path& path) {
    return read_file(path, kMaxConfigBytes, Symlinks::Follow);
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
    if (auto st = write_file_atomic(backup, file.text, file.mode); !st)
        return std::move(st).error();
    if (auto st = write_file_atomic(file.target, new_text, file.mode); !st)
        return std::move(st).error();
    return backup;
}

}  // namespace ssocred::cli
