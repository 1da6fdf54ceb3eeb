#include "config_reloader.hpp"

#include <cerrno>
#include <unistd.h>

#include <boost/asio/post.hpp>

#include "ssocred/errno_text.hpp"

namespace ssocred {
namespace asio = boost::asio;

namespace {
// Editors save in several steps (write a temporary, rename it over, fix the mode): wait this
// long after the first event so that one read sees the finished file.
constexpr auto kSettle = std::chrono::milliseconds(150);
}  // namespace

ConfigReloader::ConfigReloader(asio::any_io_executor loop, asio::any_io_executor worker,
                               std::filesystem::path file, Apply apply)
    : loop_(loop),
      worker_(std::move(worker)),
      file_(std::move(file)),
      apply_(std::move(apply)),
      settle_(loop) {}

Status ConfigReloader::start() {
    auto watcher = platform::PathWatcher::create(file_);
    if (!watcher) return std::move(watcher).error();
    // stream_descriptor closes what it owns, and the watcher owns its descriptor: a dup.
    // Without one there is no watch (the caller warns; SIGHUP still reloads).
    const int fd = ::dup(watcher->native_handle());
    if (fd < 0) {
        const int err = errno;
        return Error::make(ErrorCode::Io, "cannot wait for changes: " + errno_text(err));
    }
    watcher_.emplace(std::move(*watcher));
    events_.emplace(loop_, fd);
    wait_for_events();
    return ok();
}

void ConfigReloader::wait_for_events() {
    events_->async_wait(asio::posix::stream_descriptor::wait_read,
                        [this](boost::system::error_code ec) {
                            if (ec || stopped_) return;
                            if (watcher_->drain()) reload();
                            wait_for_events();
                        });
}

void ConfigReloader::reload() {
    if (stopped_) return;
    if (loading_) {
        again_ = true;
        return;
    }
    if (settling_) return;
    settling_ = true;
    settle_.expires_after(kSettle);
    settle_.async_wait([this](boost::system::error_code ec) {
        settling_ = false;
        if (!ec && !stopped_) load();
    });
}

void ConfigReloader::load() {
    loading_ = true;
    asio::post(worker_, [this] {
        auto fresh = config::load_aws_config(file_);
        asio::post(loop_, [this, fresh = std::move(fresh)]() mutable {
            loading_ = false;
            if (stopped_) return;
            apply_(std::move(fresh));
            if (again_) {
                again_ = false;
                reload();
            }
        });
    });
}

void ConfigReloader::stop() {
    stopped_ = true;
    settle_.cancel();
    if (events_) events_->close();
}

}  // namespace ssocred
