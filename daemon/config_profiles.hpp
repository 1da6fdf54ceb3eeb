// ConfigProfiles: the parsed AWS config as the credential engine sees it (ProfileResolver).
//
// Owned and replaced on the event loop only (start-up and SIGHUP), read on the loop only:
// no locking needed.
#pragma once

#include "config/aws_config.hpp"
#include "creds/profile_resolver.hpp"

namespace ssocred {

class ConfigProfiles final : public ProfileResolver {
  public:
    explicit ConfigProfiles(config::AwsConfig config) : config_(std::move(config)) {}

    void replace(config::AwsConfig config) { config_ = std::move(config); }
    const config::AwsConfig& config() const { return config_; }

    Expected<RoleRef> resolve(std::string_view profile) const override;
    std::optional<std::string> profile_region(std::string_view profile) const override;
    std::optional<std::string> sso_region(std::string_view session) const override;
    std::string root_session(const std::string& session) const override;

    // A profile that names exactly this role (for display), if any.
    std::optional<std::string> profile_for(const RoleRef& role) const;

  private:
    config::AwsConfig config_;
};

}  // namespace ssocred
