// ConfigProfiles: the AWS config in service, as the credential engine (ProfileResolver) and
// the control API see it, and its health: the file that does not parse, with the error,
// while the last good version stays in service.
//
// Owned and replaced on the event loop only (start-up, file change, SIGHUP), read on the
// loop only: no locking needed. Parsing happens elsewhere (ConfigReloader, off the loop).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ssocred/time.hpp"

#include "config/aws_config.hpp"
#include "creds/profile_resolver.hpp"

namespace ssocred {

// Why the AWS config file on disk is not the one in service.
struct ConfigProblem {
    std::string message;  // "FILE:LINE: what is wrong" (the parser's words)
    SystemTime since{};   // first seen (a new error message starts a new `since`)
};

// The health of the config in service, as a value that may travel to a worker thread (the
// control API answers some requests there).
struct ConfigHealth {
    std::optional<ConfigProblem> problem;
    bool loaded_once = false;  // any version of the file ever loaded

    // `error` as the user should read it while the file is broken: with no good version
    // ever loaded, the parse error itself (not "no SSO session is configured"); otherwise
    // the error plus why the file's newest content is not in service. Unchanged while the
    // file is fine.
    Error explain(Error error) const;
    // One sentence for commands that worked with the last good version (a warning).
    std::optional<std::string> note() const;
};

class ConfigProfiles final : public ProfileResolver {
  public:
    ConfigProfiles() = default;

    // A new good config: in service from now on; any problem is over. Shared, immutable:
    // the chain fetcher reads the same snapshot on worker threads, with no copy.
    void replace(std::shared_ptr<const config::AwsConfig> config, SystemTime now);
    // The file on disk could not be loaded: the config in service stays as it is.
    void set_problem(std::string message, SystemTime now);

    const config::AwsConfig& config() const { return *config_; }
    const std::shared_ptr<const config::AwsConfig>& snapshot() const { return config_; }
    const std::optional<ConfigProblem>& problem() const { return problem_; }
    // Whether any version of the file ever loaded (a daemon started with a broken file has
    // none: then the problem, not "no SSO session is configured", is the answer to give).
    bool loaded_once() const { return loaded_at_.has_value(); }
    std::optional<SystemTime> loaded_at() const { return loaded_at_; }

    ConfigHealth health() const { return {problem_, loaded_once()}; }

    Expected<RoleRef> resolve(std::string_view profile) const override;
    std::optional<std::string> profile_region(std::string_view profile) const override;
    std::optional<std::string> sso_region(std::string_view session) const override;
    std::string root_session(const std::string& session) const override;

    // A profile that names exactly this role (for display), if any.
    std::optional<std::string> profile_for(const RoleRef& role) const;

  private:
    std::shared_ptr<const config::AwsConfig> config_ = std::make_shared<const config::AwsConfig>();
    std::optional<ConfigProblem> problem_;
    std::optional<SystemTime> loaded_at_;
    std::vector<std::pair<std::string, std::string>> session_regions_;  // id, sso_region
};

}  // namespace ssocred
