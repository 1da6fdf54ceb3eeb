// The AWS CLI cache job: a token written by `aws sso login` (or an SDK's refresh) is
// imported; a cache file deleted while we are logged in is written again.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "jobs/jobs.hpp"

namespace ssocred::jobs {
namespace asio = boost::asio;

namespace {

// On the upstream pool: the persistence and SessionManager calls may block.
void import_session(DaemonParts& p, const std::string& session) {
    auto state = p.persistence->load(session);
    if (state && *state) {
        auto taken = p.sessions->import_token(**state);
        if (taken && *taken)  // another tool's login or renewal
            asio::post(p.loop, [&p] { p.update_session_end(); });
    }
    // Deleted (`aws sso logout`, rm) while we are logged in: the file is written again, so
    // the CLI and SDKs keep working. Our own write then finds it present: no loop.
    if (p.synced_store && p.synced_store->cli_token_missing(session)) {
        if (auto r = p.sessions->rewrite_token(session); r && *r)
            spdlog::info("SSO session {}: the AWS CLI cache file was deleted; written again",
                         session);
    }
}

}  // namespace

asio::awaitable<void> import_aws_cli_cache(DaemonParts& p) {
    while (!p.stopping) {
        auto [ec] = co_await p.cache_watch_fd->async_wait(asio::posix::stream_descriptor::wait_read,
                                                          asio::as_tuple(asio::use_awaitable));
        if (ec || p.stopping) co_return;
        for (const auto& session : p.cache_watcher->drain())
            asio::post(p.upstream, [&p, session] { import_session(p, session); });
    }
}

}  // namespace ssocred::jobs
