// ProfileResolver: what the credential engine needs from the AWS config layer.
// Implemented by daemon/config; called on the event loop, so it must not block for long
// (reading an already-parsed config is fine).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ssocred/credentials.hpp"
#include "ssocred/expected.hpp"

namespace ssocred {

class ProfileResolver {
  public:
    virtual ~ProfileResolver() = default;
    // The SSO role a profile names. NotFound when the profile does not exist or names no
    // SSO role (message says which).
    virtual Expected<RoleRef> resolve(std::string_view profile) const = 0;
    // The profile's own `region` key, if set.
    virtual std::optional<std::string> profile_region(std::string_view profile) const = 0;
    // The `sso_region` of a session ("" = the default session), if known.
    virtual std::optional<std::string> sso_region(std::string_view session) const = 0;
    // The SSO session whose login a RoleRef::session depends on: itself for an SSO session,
    // the root SSO session of a chained profile's marker ("profile:NAME").
    virtual std::string root_session(const std::string& session) const { return session; }
};

}  // namespace ssocred
