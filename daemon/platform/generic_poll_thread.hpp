// PollThread: the generic stand-in for a kernel notification. A thread runs `tick` every
// `interval`; `tick` calls notify() when it found news, which makes native_handle() (the
// read end of a pipe) readable, so a caller waits for it on its event loop as for an
// inotify or timerfd descriptor. clear() empties the pipe again.
//
// Declare it as the *last* member of its owner: it is then destroyed (the thread stopped and
// joined) before anything `tick` touches.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "ssocred/expected.hpp"

#include "store/unique_fd.hpp"

namespace ssocred::platform::generic {

class PollThread {
  public:
    PollThread() = default;
    ~PollThread();
    PollThread(const PollThread&) = delete;
    PollThread& operator=(const PollThread&) = delete;

    // Opens the pipe and starts the thread. Errors: Io (no descriptors, no thread).
    Status start(std::chrono::milliseconds interval, std::function<void()> tick);

    // Non-blocking, close-on-exec.
    int native_handle() const { return read_end_.get(); }

    // Thread-safe: makes native_handle() readable (once; repeated calls add nothing).
    void notify();
    // Reads whatever notify() left in the pipe.
    void clear();

  private:
    void run(std::chrono::milliseconds interval, const std::function<void()>& tick);

    UniqueFd read_end_;
    UniqueFd write_end_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool notified_ = false;  // a byte sits in the pipe
    std::thread thread_;
};

}  // namespace ssocred::platform::generic
