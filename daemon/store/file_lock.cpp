#include "store/file_lock.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <thread>

#include "ssocred/errno_text.hpp"

namespace ssocred {

Expected<FileLock> FileLock::acquire(const std::filesystem::path& lock_path,
                                     std::chrono::milliseconds timeout) {
    UniqueFd fd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) {
        const int err = errno;
        return Error::make(ErrorCode::Io,
                           "cannot open lock file " + lock_path.string() + ": " + errno_text(err));
    }
    // flock has no timeout; a short back-off keeps a stuck peer from hanging us forever.
    // Holders keep the lock only for one read-merge-write, so the first try nearly always wins.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto pause = std::chrono::milliseconds(1);
    for (;;) {
        if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) return FileLock(std::move(fd));
        const int err = errno;
        if (err == EINTR) continue;
        if (err != EWOULDBLOCK)
            return Error::make(ErrorCode::Io,
                               "cannot lock " + lock_path.string() + ": " + errno_text(err));
        if (std::chrono::steady_clock::now() >= deadline)
            return Error::make(ErrorCode::Timeout,
                               "another process holds " + lock_path.string() +
                                   "; retry, or remove a stuck ssocred process");
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
}

FileLock::~FileLock() {
    if (fd_.valid()) ::flock(fd_.get(), LOCK_UN);
}

}  // namespace ssocred
