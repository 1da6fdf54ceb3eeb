#include "config_profiles.hpp"

namespace ssocred {

Expected<RoleRef> ConfigProfiles::resolve(std::string_view profile) const {
    auto resolved = config::resolve_profile(config_, profile);
    if (!resolved) return std::move(resolved).error();
    return resolved->role;
}

std::optional<std::string> ConfigProfiles::profile_region(std::string_view profile) const {
    auto it = config_.profiles.find(std::string(profile));
    if (it == config_.profiles.end() || it->second.region.empty()) return std::nullopt;
    return it->second.region;
}

std::string ConfigProfiles::root_session(const std::string& session) const {
    if (!config::is_chained_session(session)) return session;
    auto resolved = config::resolve_profile(config_, config::chained_profile_name(session));
    return resolved ? resolved->session_id : session;
}

std::optional<std::string> ConfigProfiles::sso_region(std::string_view raw_session) const {
    const std::string session = root_session(std::string(raw_session));
    const auto list = config::list_sso_sessions(config_);
    for (const auto& s : list.sessions)
        if (session.empty() || s.id == session) return s.region;
    return std::nullopt;
}

std::optional<std::string> ConfigProfiles::profile_for(const RoleRef& role) const {
    for (const auto& [name, p] : config_.profiles) {
        if (p.sso_account_id != role.account_id || p.sso_role_name != role.role_name) continue;
        auto resolved = config::resolve_profile(config_, name);
        if (resolved && (role.session.empty() || resolved->session_id == role.session)) return name;
    }
    return std::nullopt;
}

}  // namespace ssocred
