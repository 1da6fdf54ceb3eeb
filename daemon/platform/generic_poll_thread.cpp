#include "platform/generic_poll_thread.hpp"

#include <cerrno>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>

#include "ssocred/descriptors.hpp"
#include "ssocred/errno_text.hpp"

namespace ssocred::platform::generic {
namespace {

bool make_pipe(UniqueFd& read_end, UniqueFd& write_end) {
    int fds[2] = {-1, -1};
    if (pipe_cloexec(fds, FdMode::NonBlocking) != 0) return false;
    read_end.reset(fds[0]);
    write_end.reset(fds[1]);
    return true;
}

}  // namespace

PollThread::~PollThread() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

Status PollThread::start(std::chrono::milliseconds interval, std::function<void()> tick) {
    if (!make_pipe(read_end_, write_end_)) {
        const int err = errno;
        return Error::make(ErrorCode::Io, "cannot open a pipe: " + errno_text(err));
    }
    try {
        thread_ = std::thread([this, interval, tick = std::move(tick)] { run(interval, tick); });
    } catch (const std::system_error& e) {
        return Error::make(ErrorCode::Io, std::string("cannot start a thread: ") + e.what());
    }
    return ok();
}

void PollThread::run(std::chrono::milliseconds interval, const std::function<void()>& tick) {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
        lock.unlock();
        tick();
        lock.lock();
    }
}

// notify() and clear() share the lock: a clear() racing a notify() can then never leave the
// owner's news recorded but the pipe empty (a wake-up lost until the next change).
void PollThread::notify() {
    std::lock_guard lock(mutex_);
    if (notified_) return;
    const char byte = 1;
    if (::write(write_end_.get(), &byte, 1) == 1) notified_ = true;
}

void PollThread::clear() {
    std::lock_guard lock(mutex_);
    char buf[64];
    while (::read(read_end_.get(), buf, sizeof buf) > 0) {
    }
    notified_ = false;
}

}  // namespace ssocred::platform::generic
