// The AWS config, re-read (an edit or SIGHUP, by ConfigReloader off the loop), applied here;
// a file that does not parse keeps the last good version in service and is reported until
// it is fixed.
#include <cstdlib>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "ssocred/paths.hpp"

#include "jobs/jobs.hpp"
#include "platform/systemd.hpp"

namespace ssocred::jobs {

void reload_sessions(DaemonParts& p) {
    const char* aws_profile = std::getenv("AWS_PROFILE");
    auto warnings =
        p.sessions->reload_config(p.profiles.config(), aws_profile != nullptr ? aws_profile : "");
    if (!warnings) {
        spdlog::error("{}", warnings.error().message);
        return;
    }
    for (const auto& w : *warnings) spdlog::warn("{}", w);
}

void apply_config(DaemonParts& p, Expected<config::AwsConfig>& fresh) {
    const auto now = p.clock.now();
    if (!fresh) {
        if (!p.profiles.problem() || p.profiles.problem()->message != fresh.error().message)
            spdlog::error("AWS config not applied, the last good version stays in use: {}",
                          fresh.error().message);
        p.profiles.set_problem(fresh.error().message, now);
        platform::notify_ready("serving (the AWS config has an error)");
        return;
    }
    // The previous version is freed on a worker: tens of thousands of profiles take a while
    // to free (and wipe), and the loop serves meanwhile.
    auto previous = p.profiles.snapshot();
    p.profiles.replace(std::make_shared<const config::AwsConfig>(std::move(*fresh)), now);
    p.chain->set_config(p.profiles.snapshot());
    boost::asio::post(p.upstream, [previous = std::move(previous)] {});
    reload_sessions(p);
    if (p.cache_watcher)
        for (const auto& name : p.sessions->session_names()) p.cache_watcher->watch_session(name);
    p.update_session_end();  // ssocred_session_duration / ssocred_notify_before
    spdlog::info("AWS config applied from {}", paths::aws_config_file().string());
    platform::notify_ready("serving");
}

}  // namespace ssocred::jobs
