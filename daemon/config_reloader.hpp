// ConfigReloader: keeps the AWS config in service in step with the file. An edit is seen
// within about a second (platform::PathWatcher: in place, rename-over, through symbolic
// links), SIGHUP asks for the same re-read, and the file is read and parsed on a worker
// thread so a config with tens of thousands of profiles never stalls the serving loop.
//
// The result - a parsed config or the error that keeps the last good one in service - is
// handed to `apply` on the loop. Bursts of events (an editor's write + rename + chmod)
// become one re-read; an event that arrives while a read is running causes one more read
// after it, so the last state of the file always wins.
//
// Start, reload and stop on the loop thread.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "config/aws_config.hpp"
#include "platform/path_watcher.hpp"

namespace ssocred {

class ConfigReloader {
  public:
    using Apply = std::function<void(Expected<config::AwsConfig>)>;

    ConfigReloader(boost::asio::any_io_executor loop, boost::asio::any_io_executor worker,
                   std::filesystem::path file, Apply apply);
    ConfigReloader(const ConfigReloader&) = delete;
    ConfigReloader& operator=(const ConfigReloader&) = delete;

    // Starts watching the file. An error (no watch descriptors left) leaves SIGHUP as the
    // only way to reload; the caller logs it.
    Status start();
    // Re-reads the file now (SIGHUP); coalesced with a read already running.
    void reload();
    void stop();

  private:
    void wait_for_events();
    void load();

    boost::asio::any_io_executor loop_;
    boost::asio::any_io_executor worker_;
    std::filesystem::path file_;
    Apply apply_;
    std::optional<platform::PathWatcher> watcher_;
    std::optional<boost::asio::posix::stream_descriptor> events_;
    boost::asio::steady_timer settle_;
    bool settling_ = false;
    bool loading_ = false;
    bool again_ = false;  // a change arrived while loading: read once more afterwards
    bool stopped_ = false;
};

}  // namespace ssocred
