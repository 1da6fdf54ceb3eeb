// The seam between the serving plane (daemon/serve) and the credential engine (daemon/creds).
//
// Threading: every method is called on the daemon's event-loop thread, and every callback is
// invoked on that thread too (possibly before get() returns, when the answer is cached).
// Implementations never block the loop: upstream calls run on worker threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ssocred/credentials.hpp"
#include "ssocred/expected.hpp"
#include "ssocred/inline_function.hpp"

namespace ssocred {

// One role's credentials with their response bodies serialised once, when the credentials
// change, so that serving a cached credential allocates nothing per request.
struct ServedCredentials {
    RoleCredentials credentials;
    std::string container_json;  // DESIGN.md container 200 body
    std::string imds_json;       // IMDS security-credentials/{role} body ("Code":"Success", ...)
    std::string imds_extended_json;  // same plus "AccountId"
};
using CredentialsPtr = std::shared_ptr<const ServedCredentials>;
// Inline room for a serving-plane completion (serve::ReplyFn) and a few flags, so that a
// cached answer allocates nothing (see ssocred/inline_function.hpp).
using CredentialsCallback = InlineFunction<void(Expected<CredentialsPtr>), 48>;

class CredentialSource {
  public:
    virtual ~CredentialSource() = default;

    // Credentials for `role`, never expired. Errors: LoginRequired (503), NotFound (404),
    // transient upstream codes when nothing valid is cached (503). Messages are user-facing.
    virtual void get(const RoleRef& role, CredentialsCallback done) = 0;

    // The active role (persisted selection), if any.
    virtual std::optional<RoleRef> active_role() const = 0;

    // A profile from the AWS config that names an SSO role. NotFound when there is none.
    virtual Expected<RoleRef> resolve_profile(std::string_view profile) const = 0;

    // The region reported by IMDS placement paths: the active profile's `region`, else the
    // SSO region, else "us-east-1".
    virtual std::string region() const = 0;
};

// The seam between the credential engine and the SSO layer (daemon/sso).
// Blocking and thread-safe: called on worker threads, never on the loop.
class RoleCredentialFetcher {
  public:
    virtual ~RoleCredentialFetcher() = default;
    // GetRoleCredentials with the session's access token. The implementation renews the
    // access token first when needed and, on a portal 401 with a token that should still be
    // valid, refreshes once and retries once. Errors: LoginRequired, NotFound, Unauthorized,
    // transient codes (Network, Timeout, Throttled, UpstreamFault, BadResponse).
    virtual Expected<RoleCredentials> fetch(const RoleRef& role) = 0;
    // The session name a role's empty `session` ("the default session") stands for right
    // now, so one role reached by two paths (a profile naming its session, an account/role
    // path naming none) is one cache entry and one upstream call. Unchanged when the name
    // cannot be resolved (the fetch then reports why). Quick and non-blocking: called on
    // the loop.
    virtual std::string canonical_session(std::string_view session) const {
        return std::string(session);
    }
};

}  // namespace ssocred
