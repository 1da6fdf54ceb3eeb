#include "config_profiles.hpp"

#include "ssocred/suggest.hpp"

namespace ssocred {

void ConfigProfiles::replace(std::shared_ptr<const config::AwsConfig> config, SystemTime now) {
    config_ = std::move(config);
    // Once per version, not per IMDS placement request: listing sessions walks every profile.
    session_regions_.clear();
    for (const auto& session : config::list_sso_sessions(*config_).sessions)
        session_regions_.emplace_back(session.id, session.region);
    problem_.reset();
    loaded_at_ = now;
}

void ConfigProfiles::set_problem(std::string message, SystemTime now) {
    if (problem_ && problem_->message == message) return;
    problem_ = ConfigProblem{std::move(message), now};
}

std::optional<std::string> ConfigHealth::note() const {
    if (!problem) return std::nullopt;
    if (!loaded_once)
        return "the AWS config file cannot be used: " + problem->message +
               " (fix it; ssocredd picks the change up by itself)";
    return "the AWS config file has an error, so its last good version is still in use: " +
           problem->message + " (fix it; ssocredd picks the change up by itself)";
}

Error ConfigHealth::explain(Error error) const {
    if (!problem) return error;
    if (!loaded_once) {
        // Nothing the daemon knows comes from the file: the error is the file's.
        error.code = ErrorCode::Invalid;
        error.message = *note();
        return error;
    }
    error.message += "; note: " + *note();
    return error;
}

Expected<RoleRef> ConfigProfiles::resolve(std::string_view profile) const {
    auto resolved = config::resolve_profile(*config_, profile);
    if (!resolved) {
        Error error = std::move(resolved).error();
        if (!config_->profiles.contains(std::string(profile))) {
            std::vector<std::string> names;
            names.reserve(config_->profiles.size());
            for (const auto& [name, p] : config_->profiles) names.push_back(name);
            error.message += did_you_mean(profile, names);
        }
        return error;
    }
    return resolved->role;
}

std::optional<std::string> ConfigProfiles::profile_region(std::string_view profile) const {
    auto it = config_->profiles.find(std::string(profile));
    if (it == config_->profiles.end() || it->second.region.empty()) return std::nullopt;
    return it->second.region;
}

std::string ConfigProfiles::root_session(const std::string& session) const {
    if (!config::is_chained_session(session)) return session;
    auto resolved = config::resolve_profile(*config_, config::chained_profile_name(session));
    return resolved ? resolved->session_id : session;
}

std::optional<std::string> ConfigProfiles::sso_region(std::string_view raw_session) const {
    const std::string session = root_session(std::string(raw_session));
    for (const auto& [id, region] : session_regions_)
        if (session.empty() || id == session) return region;
    return std::nullopt;
}

std::optional<std::string> ConfigProfiles::profile_for(const RoleRef& role) const {
    for (const auto& [name, p] : config_->profiles) {
        if (p.sso_account_id != role.account_id || p.sso_role_name != role.role_name) continue;
        auto resolved = config::resolve_profile(*config_, name);
        if (resolved && (role.session.empty() || resolved->session_id == role.session)) return name;
    }
    return std::nullopt;
}

}  // namespace ssocred
