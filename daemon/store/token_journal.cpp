#include "store/token_journal.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ssocred/errno_text.hpp"

#include "store/atomic_file.hpp"

namespace ssocred {
Expected<std::shared_ptr<TokenJournal>> TokenJournal::open(const std::filesystem::path& path) {
    struct stat st {};
    const bool existed = ::lstat(path.c_str(), &st) == 0;
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd) return file_error("cannot open", path, errno);
    if (::fstat(fd.get(), &st) != 0) return file_error("cannot stat", path, errno);
    if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid())
        return Error::make(ErrorCode::Io, path.string() + " is not a regular file of ours");
    if ((st.st_mode & 0777) != 0600 && ::fchmod(fd.get(), 0600) != 0)  // umask-proof
        return file_error("cannot set mode of", path, errno);
    if (!existed) {
        // Once, at start-up: the file's name must outlive a power loss for the records
        // synced into it later to be found.
        ::fsync(fd.get());
        const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
        UniqueFd dirfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (dirfd) ::fsync(dirfd.get());
    }
    return std::make_shared<TokenJournal>(std::move(fd));
}

Expected<std::vector<std::string>> TokenJournal::read_lines(const std::filesystem::path& path,
                                                            std::size_t max_bytes) {
    auto text = read_file(path, max_bytes);
    if (!text) {
        if (text.error().code == ErrorCode::NotFound) return std::vector<std::string>{};
        return std::move(text).error();
    }
    std::vector<std::string> lines;
    std::size_t from = 0;
    while (from < text->size()) {
        const std::size_t end = text->find('\n', from);
        if (end == std::string::npos) break;  // no newline: torn by a crash mid-append
        if (end > from) lines.emplace_back(*text, from, end - from);
        from = end + 1;
    }
    return lines;
}

Status TokenJournal::append(std::string_view record) {
    std::string line;
    line.reserve(record.size() + 1);
    line.append(record);
    line.push_back('\n');
    // O_APPEND: each write lands whole at the end; a short write (disk full) leaves a torn
    // line, which readers skip, and is reported so the caller falls back to its own file.
    const ssize_t n = ::write(fd_.get(), line.data(), line.size());
    if (n != static_cast<ssize_t>(line.size()))
        return Error::make(ErrorCode::Io, std::string("cannot append to the token journal: ") +
                                              (n < 0 ? errno_text(errno) : "short write"));
    dirty_.store(true);
    records_.fetch_add(1);
    return ok();
}

Status TokenJournal::sync() {
    if (!dirty_.exchange(false)) return ok();
    if (::fsync(fd_.get()) != 0) {
        dirty_.store(true);
        return Error::make(ErrorCode::Io,
                           std::string("cannot sync the token journal: ") + errno_text(errno));
    }
    return ok();
}

Status TokenJournal::clear() {
    if (::ftruncate(fd_.get(), 0) != 0)
        return Error::make(ErrorCode::Io,
                           std::string("cannot clear the token journal: ") + errno_text(errno));
    records_.store(0);
    return ok();
}

}  // namespace ssocred
