#include "control/client_bound_tokens.hpp"

#include <spdlog/spdlog.h>

#include "platform/process_exit_watch.hpp"

namespace ssocred {

ClientBoundTokens::ClientBoundTokens(boost::asio::any_io_executor loop,
                                     serve::EndpointTokens& tokens)
    : loop_(std::move(loop)), tokens_(tokens) {}

void ClientBoundTokens::resume() {
    for (const auto& t : tokens_.list()) {
        if (!t.bound_pid) continue;
        auto fd = platform::process_exit_fd(static_cast<pid_t>(*t.bound_pid));
        if (fd) {
            watch(t.id, std::move(*fd));
        } else if (fd.error().code == ErrorCode::NotFound) {
            (void)tokens_.revoke(t.id);
            spdlog::info("endpoint token {} revoked: the process it was bound to has exited", t.id);
        }
        // Otherwise the expiry alone bounds it.
    }
}

void ClientBoundTokens::watch(const std::string& id, UniqueFd exit_fd) {
    auto sd = std::make_unique<boost::asio::posix::stream_descriptor>(loop_, exit_fd.release());
    sd->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                   [this, id](boost::system::error_code ec) {
                       // Cancelled: forgotten, or the daemon is stopping (`this` may be gone).
                       if (ec == boost::asio::error::operation_aborted) return;
                       on_exit(id);
                   });
    watches_[id] = std::move(sd);
}

void ClientBoundTokens::forget(const std::string& id) {
    watches_.erase(id);  // closing the descriptor cancels the wait
}

void ClientBoundTokens::on_exit(const std::string& id) {
    watches_.erase(id);
    if (tokens_.revoke(id))
        spdlog::info("endpoint token {} revoked: the process it was bound to has exited", id);
}

}  // namespace ssocred
