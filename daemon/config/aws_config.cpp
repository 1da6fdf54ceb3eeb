#include "config/aws_config.hpp"

#include <algorithm>
#include <set>

#include "config/ini_parser.hpp"
#include "store/atomic_file.hpp"

namespace ssocred::config {
namespace {

std::string get(const IniSection& s, const char* key) {
    auto it = s.values.find(key);
    return it == s.values.end() ? std::string{} : it->second;
}

bool is_true(std::string v) {
    std::transform(v.begin(), v.end(), v.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return v == "true";
}

ProfileConfig make_profile(const std::string& name, const IniSection& s) {
    ProfileConfig p;
    p.name = name;
    p.sso_session = get(s, "sso_session");
    p.sso_start_url = get(s, "sso_start_url");
    p.sso_region = get(s, "sso_region");
    p.sso_account_id = get(s, "sso_account_id");
    p.sso_role_name = get(s, "sso_role_name");
    p.region = get(s, "region");
    p.services = get(s, "services");
    p.endpoint_url = get(s, "endpoint_url");
    p.ignore_configured_endpoint_urls = is_true(get(s, "ignore_configured_endpoint_urls"));
    return p;
}

// Copies the keys of `s` over `p` (a later section with the same profile name wins key by key).
void merge_profile(ProfileConfig& p, const IniSection& s) {
    const ProfileConfig n = make_profile(p.name, s);
    auto take = [&](std::string& dst, const std::string& src, const char* key) {
        if (s.values.contains(key)) dst = src;
    };
    take(p.sso_session, n.sso_session, "sso_session");
    take(p.sso_start_url, n.sso_start_url, "sso_start_url");
    take(p.sso_region, n.sso_region, "sso_region");
    take(p.sso_account_id, n.sso_account_id, "sso_account_id");
    take(p.sso_role_name, n.sso_role_name, "sso_role_name");
    take(p.region, n.region, "region");
    take(p.services, n.services, "services");
    take(p.endpoint_url, n.endpoint_url, "endpoint_url");
    if (s.values.contains("ignore_configured_endpoint_urls")) {
        p.ignore_configured_endpoint_urls = n.ignore_configured_endpoint_urls;
    }
}

}  // namespace

std::vector<std::string> parse_scopes(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find(',', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view part = text.substr(start, end - start);
        while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front())))
            part.remove_prefix(1);
        while (!part.empty() && std::isspace(static_cast<unsigned char>(part.back())))
            part.remove_suffix(1);
        if (!part.empty()) out.emplace_back(part);
        start = end + 1;
    }
    return out;
}

Expected<AwsConfig> parse_aws_config(std::string_view text, std::string_view file_name) {
    auto doc = parse_ini(text, file_name);
    if (!doc) return std::move(doc).error();
    AwsConfig cfg;
    for (const IniSection& s : doc->sections) {
        const auto& w = s.words;
        std::string profile_name;
        if (w.size() == 1 && w[0] == "default") {
            profile_name = "default";
        } else if (w.size() == 2 && w[0] == "profile") {
            profile_name = w[1];
        } else if (w.size() == 2 && w[0] == "sso-session") {
            SsoSessionConfig& sc = cfg.sso_sessions[w[1]];
            sc.name = w[1];
            if (s.values.contains("sso_start_url")) sc.start_url = get(s, "sso_start_url");
            if (s.values.contains("sso_region")) sc.region = get(s, "sso_region");
            if (s.values.contains("sso_registration_scopes")) {
                sc.registration_scopes = parse_scopes(get(s, "sso_registration_scopes"));
            }
            continue;
        } else if (w.size() == 2 && w[0] == "services") {
            ServicesConfig& svc = cfg.services[w[1]];
            svc.name = w[1];
            for (const auto& [key, sub] : s.nested) svc.services[key] = sub;
            continue;
        } else {
            continue;  // other sections (plugins, preview, ...) are not ours
        }
        auto [it, inserted] = cfg.profiles.try_emplace(profile_name);
        if (inserted) {
            it->second = make_profile(profile_name, s);
        } else {
            merge_profile(it->second, s);
        }
    }
    return cfg;
}

Expected<AwsConfig> load_aws_config(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        AwsConfig empty;
        empty.source = path;
        return empty;
    }
    // Large enough for generated configs with tens of thousands of profiles.
    auto text = read_file(path, 64u << 20, Symlinks::Follow);
    if (!text) return std::move(text).error();
    auto cfg = parse_aws_config(*text, path.string());
    if (cfg) cfg->source = path;
    return cfg;
}

SsoSessionList list_sso_sessions(const AwsConfig& config, std::string_view aws_profile) {
    SsoSessionList out;
    // Which profile lends its endpoint settings to each session id.
    std::map<std::string, std::string> endpoint_profile;
    for (const auto& [name, p] : config.profiles) {
        const std::string id = !p.sso_session.empty() ? p.sso_session : p.sso_start_url;
        if (id.empty()) continue;
        if (name == aws_profile || !endpoint_profile.contains(id)) endpoint_profile[id] = name;
    }
    auto profile_for = [&](const std::string& id) {
        auto it = endpoint_profile.find(id);
        return it == endpoint_profile.end() ? std::string{} : it->second;
    };

    for (const auto& [name, s] : config.sso_sessions) {
        if (s.start_url.empty() || s.region.empty()) {
            out.warnings.push_back("[sso-session " + name +
                                   "] needs both sso_start_url and sso_region");
            continue;
        }
        out.sessions.push_back(SsoSessionInfo{name, s.start_url, s.region, s.registration_scopes,
                                              false, profile_for(name)});
    }
    std::set<std::string> legacy_seen;
    for (const auto& [name, p] : config.profiles) {
        if (!p.sso_session.empty() || p.sso_start_url.empty()) continue;
        if (p.sso_region.empty()) {
            out.warnings.push_back("profile " + name + " has sso_start_url but no sso_region");
            continue;
        }
        if (config.sso_sessions.contains(p.sso_start_url)) continue;  // ids must stay unique
        if (!legacy_seen.insert(p.sso_start_url).second) {
            for (const auto& s : out.sessions) {
                if (s.id == p.sso_start_url && s.region != p.sso_region) {
                    out.warnings.push_back("profile " + name + " names start URL " +
                                           p.sso_start_url +
                                           " with a different sso_region than another profile");
                }
            }
            continue;
        }
        out.sessions.push_back(SsoSessionInfo{p.sso_start_url,
                                              p.sso_start_url,
                                              p.sso_region,
                                              {},
                                              true,
                                              profile_for(p.sso_start_url)});
    }
    return out;
}

Expected<ResolvedProfile> resolve_profile(const AwsConfig& config, std::string_view profile) {
    const auto it = config.profiles.find(std::string(profile));
    if (it == config.profiles.end()) {
        return Error::make(ErrorCode::NotFound,
                           "profile '" + std::string(profile) + "' is not in the AWS config file");
    }
    const ProfileConfig& p = it->second;
    const std::string where = "profile '" + p.name + "'";
    if (p.sso_account_id.empty() && p.sso_role_name.empty()) {
        return Error::make(ErrorCode::NotFound,
                           where + " has no SSO role (sso_account_id, sso_role_name)");
    }
    if (p.sso_account_id.empty() || p.sso_role_name.empty()) {
        return Error::make(ErrorCode::Invalid,
                           where + " needs both sso_account_id and sso_role_name");
    }
    ResolvedProfile r;
    r.role.account_id = p.sso_account_id;
    r.role.role_name = p.sso_role_name;
    if (!p.sso_session.empty()) {
        const auto s = config.sso_sessions.find(p.sso_session);
        if (s == config.sso_sessions.end()) {
            return Error::make(ErrorCode::Invalid, where + " uses sso_session '" + p.sso_session +
                                                       "' but there is no [sso-session " +
                                                       p.sso_session + "] section");
        }
        // botocore: a key set in both the profile and the session must agree.
        if (!p.sso_start_url.empty() && p.sso_start_url != s->second.start_url) {
            return Error::make(ErrorCode::Invalid,
                               where + " and [sso-session " + p.sso_session +
                                   "] have different sso_start_url values; remove one");
        }
        if (!p.sso_region.empty() && p.sso_region != s->second.region) {
            return Error::make(ErrorCode::Invalid,
                               where + " and [sso-session " + p.sso_session +
                                   "] have different sso_region values; remove one");
        }
        if (s->second.start_url.empty() || s->second.region.empty()) {
            return Error::make(ErrorCode::Invalid, "[sso-session " + p.sso_session +
                                                       "] needs both sso_start_url and sso_region");
        }
        r.session_id = p.sso_session;
        r.sso_region = s->second.region;
    } else {
        if (p.sso_start_url.empty() || p.sso_region.empty()) {
            return Error::make(ErrorCode::Invalid,
                               where + " needs sso_session, or both sso_start_url and sso_region");
        }
        r.session_id = p.sso_start_url;
        r.sso_region = p.sso_region;
    }
    r.role.session = r.session_id;
    r.region = p.region.empty() ? r.sso_region : p.region;
    return r;
}

Expected<std::string> login_session_of(const AwsConfig& config, std::string_view profile) {
    const auto it = config.profiles.find(std::string(profile));
    if (it == config.profiles.end())
        return Error::make(ErrorCode::NotFound,
                           "profile '" + std::string(profile) + "' is not in the AWS config file");
    const ProfileConfig& p = it->second;
    if (!p.sso_session.empty()) {
        if (!config.sso_sessions.contains(p.sso_session))
            return Error::make(ErrorCode::Invalid,
                               "profile '" + p.name + "' uses sso_session '" + p.sso_session +
                                   "' but there is no [sso-session " + p.sso_session + "] section");
        return p.sso_session;
    }
    if (!p.sso_start_url.empty()) {
        if (p.sso_region.empty())
            return Error::make(ErrorCode::Invalid,
                               "profile '" + p.name + "' has sso_start_url but no sso_region");
        return p.sso_start_url;
    }
    return Error::make(ErrorCode::Invalid,
                       "profile '" + p.name +
                           "' names no SSO session: log in with a profile that has sso_session "
                           "(or sso_start_url), or with --sso-session NAME");
}

}  // namespace ssocred::config
