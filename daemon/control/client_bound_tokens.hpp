// ClientBoundTokens: revokes an endpoint token when the process it was minted for exits.
//
// `ssocred exec` asks for its token with "bind_to_client": the daemon records the control
// connection's peer pid (SO_PEERCRED) with the token and waits, on the event loop, for that
// process to exit (platform/process_exit_watch.hpp: no polling). However the CLI ends - a
// normal exit revokes the token itself, a kill -9 cannot - the token dies with it. The
// token's idle expiry stays the backstop (a kernel that cannot watch, a daemon restarted
// while the pid was reused).
//
// Loop thread only.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <sys/types.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "serve/endpoint_tokens.hpp"
#include "store/unique_fd.hpp"

namespace ssocred {

class ClientBoundTokens {
  public:
    ClientBoundTokens(boost::asio::any_io_executor loop, serve::EndpointTokens& tokens);
    ClientBoundTokens(const ClientBoundTokens&) = delete;
    ClientBoundTokens& operator=(const ClientBoundTokens&) = delete;

    // Watches again the bound tokens of the registry (after a restart); those whose process
    // is gone are revoked now.
    void resume();
    // Revokes token `id` once the process behind `exit_fd` (process_exit_fd) exits.
    void watch(const std::string& id, UniqueFd exit_fd);
    // The token was revoked by other means: stop watching.
    void forget(const std::string& id);

  private:
    void on_exit(const std::string& id);

    boost::asio::any_io_executor loop_;
    serve::EndpointTokens& tokens_;
    std::map<std::string, std::unique_ptr<boost::asio::posix::stream_descriptor>> watches_;
};

}  // namespace ssocred
