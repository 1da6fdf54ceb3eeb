#include "config/aws_config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <set>

#include "ssocred/suggest.hpp"

#include "config/duration.hpp"
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
    p.role_arn = get(s, "role_arn");
    p.source_profile = get(s, "source_profile");
    p.role_session_name = get(s, "role_session_name");
    p.external_id = get(s, "external_id");
    p.duration_seconds = get(s, "duration_seconds");
    p.credential_source = get(s, "credential_source");
    p.mfa_serial = get(s, "mfa_serial");
    p.web_identity_token_file = get(s, "web_identity_token_file");
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
    take(p.role_arn, n.role_arn, "role_arn");
    take(p.source_profile, n.source_profile, "source_profile");
    take(p.role_session_name, n.role_session_name, "role_session_name");
    take(p.external_id, n.external_id, "external_id");
    take(p.duration_seconds, n.duration_seconds, "duration_seconds");
    take(p.credential_source, n.credential_source, "credential_source");
    take(p.mfa_serial, n.mfa_serial, "mfa_serial");
    take(p.web_identity_token_file, n.web_identity_token_file, "web_identity_token_file");
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
            if (s.values.contains("ssocred_session_duration"))
                sc.session_duration = get(s, "ssocred_session_duration");
            if (s.values.contains("ssocred_notify_before"))
                sc.notify_before = get(s, "ssocred_notify_before");
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
        SsoSessionInfo info{name,  s.start_url,       s.region, s.registration_scopes,
                            false, profile_for(name), {},       {}};
        // A bad value is named by its key, never quoted, and only that setting is ignored.
        // (The section name is copied: clang 14 cannot capture a structured binding.)
        auto duration_key = [&out, section = name](const std::string& text, const char* key) {
            if (text.empty()) return std::optional<std::chrono::seconds>();
            auto d = parse_duration(text);
            if (!d)
                out.warnings.push_back("[sso-session " + section + "] " + key +
                                       " is not a duration (write 8h, 90m, 3600s or 3600); "
                                       "ignored");
            return d;
        };
        info.session_duration = duration_key(s.session_duration, "ssocred_session_duration");
        info.notify_before = duration_key(s.notify_before, "ssocred_notify_before");
        out.sessions.push_back(std::move(info));
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
                                              profile_for(p.sso_start_url),
                                              {},
                                              {}});
    }
    // A profile naming an [sso-session] that does not exist fails only once it is used; a
    // typo ("dmeo") should show up as soon as the file is read, like a broken section.
    std::vector<std::string> session_names;
    for (const auto& [name, s] : config.sso_sessions) session_names.push_back(name);
    for (const auto& [name, p] : config.profiles) {
        if (p.sso_session.empty() || config.sso_sessions.contains(p.sso_session)) continue;
        out.warnings.push_back("profile " + name + " names sso_session " + p.sso_session +
                               ", but there is no [sso-session " + p.sso_session + "]" +
                               did_you_mean(p.sso_session, session_names));
    }
    return out;
}

namespace {

// The keys of other credential providers, refused by name (never "has no SSO role").
std::optional<Error> refused_key(const ProfileConfig& p) {
    const std::string where = "profile '" + p.name + "'";
    if (!p.web_identity_token_file.empty()) {
        return Error::make(ErrorCode::Invalid,
                           where +
                               " uses web_identity_token_file (web identity federation), "
                               "which ssocred does not support; ssocred serves SSO roles "
                               "and roles chained from them with role_arn + source_profile");
    }
    if (!p.credential_source.empty()) {
        return Error::make(ErrorCode::Invalid,
                           where +
                               " uses credential_source, which ssocred does not support; "
                               "name an SSO profile with source_profile instead");
    }
    if (!p.mfa_serial.empty()) {
        return Error::make(ErrorCode::Invalid,
                           where +
                               " sets mfa_serial, which ssocred does not support: it "
                               "cannot prompt for MFA codes");
    }
    return std::nullopt;
}

bool role_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("+=,.@_-").find(c) != std::string_view::npos;
}

// arn:PARTITION:iam::ACCOUNT:role[/PATH]/NAME -> the hop's account and role name.
Status parse_role_arn(const ProfileConfig& p, AssumeRoleHop& hop) {
    const Error bad = Error::make(
        ErrorCode::Invalid, "profile '" + p.name + "' has role_arn '" + p.role_arn.substr(0, 200) +
                                "', which is not an IAM role ARN "
                                "(arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME)");
    std::vector<std::string_view> parts;
    std::string_view rest = p.role_arn;
    for (int i = 0; i < 5; ++i) {
        const auto colon = rest.find(':');
        if (colon == std::string_view::npos) return bad;
        parts.push_back(rest.substr(0, colon));
        rest.remove_prefix(colon + 1);
    }
    if (parts[0] != "arn" || parts[1].empty() || parts[2] != "iam" || !parts[3].empty() ||
        parts[4].size() != 12 ||
        !std::all_of(parts[4].begin(), parts[4].end(),
                     [](char c) { return c >= '0' && c <= '9'; }) ||
        !rest.starts_with("role/")) {
        return bad;
    }
    const std::string_view name = rest.substr(rest.rfind('/') + 1);
    if (name.empty() || name.size() > 64 || !std::all_of(name.begin(), name.end(), role_name_char))
        return bad;
    hop.account_id = std::string(parts[4]);
    hop.role_name = std::string(name);
    return ok();
}

Expected<AssumeRoleHop> make_hop(const ProfileConfig& p) {
    const std::string where = "profile '" + p.name + "'";
    AssumeRoleHop hop;
    hop.profile = p.name;
    hop.role_arn = p.role_arn;
    if (auto st = parse_role_arn(p, hop); !st) return std::move(st).error();
    hop.external_id = p.external_id;
    hop.role_session_name = p.role_session_name;
    if (!hop.role_session_name.empty() &&
        (hop.role_session_name.size() < 2 || hop.role_session_name.size() > 64 ||
         !std::all_of(hop.role_session_name.begin(), hop.role_session_name.end(),
                      role_name_char))) {
        return Error::make(ErrorCode::Invalid,
                           where +
                               ": role_session_name must be 2 to 64 letters, digits or "
                               "+=,.@_- characters");
    }
    if (!p.duration_seconds.empty()) {
        int value = 0;
        const auto* end = p.duration_seconds.data() + p.duration_seconds.size();
        const auto [ptr, ec] = std::from_chars(p.duration_seconds.data(), end, value);
        if (ec != std::errc{} || ptr != end || value < 900 || value > 43200) {
            return Error::make(ErrorCode::Invalid,
                               where +
                                   ": duration_seconds must be a whole number of seconds "
                                   "from 900 to 43200");
        }
        hop.duration_seconds = value;
    }
    if (p.source_profile.empty()) {
        return Error::make(ErrorCode::Invalid,
                           where +
                               " has role_arn but no source_profile; ssocred chains roles "
                               "from a source_profile that is an SSO profile (or another "
                               "chained one)");
    }
    return hop;
}

Expected<ResolvedProfile> resolve_sso_profile(const AwsConfig& config, const ProfileConfig& p) {
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

}  // namespace

std::string chained_session(std::string_view profile) {
    return "profile:" + std::string(profile);
}

bool is_chained_session(std::string_view session) {
    return session.starts_with("profile:") && session.size() > 8;
}

std::string_view chained_profile_name(std::string_view session) {
    return is_chained_session(session) ? session.substr(8) : std::string_view{};
}

Expected<RoleChain> resolve_role_chain(const AwsConfig& config, std::string_view profile) {
    auto it = config.profiles.find(std::string(profile));
    if (it == config.profiles.end()) {
        return Error::make(ErrorCode::NotFound,
                           "profile '" + std::string(profile) + "' is not in the AWS config file");
    }
    if (it->second.role_arn.empty()) {
        return Error::make(ErrorCode::NotFound,
                           "profile '" + std::string(profile) + "' has no role_arn");
    }
    RoleChain chain;
    chain.profile = std::string(profile);
    std::vector<std::string> path;
    const ProfileConfig* p = &it->second;
    for (;;) {
        path.push_back(p->name);
        if (auto refused = refused_key(*p)) return std::move(*refused);
        if (p->role_arn.empty()) {
            auto root = resolve_sso_profile(config, *p);
            if (!root) {
                Error e = std::move(root).error();
                e.message = "profile '" + chain.profile + "' takes its credentials from '" +
                            p->name + "' (source_profile), and " + e.message;
                return e;
            }
            chain.source_profile = p->name;
            chain.source = std::move(*root);
            break;
        }
        auto hop = make_hop(*p);
        if (!hop) return std::move(hop).error();
        if (std::find(path.begin(), path.end(), p->source_profile) != path.end()) {
            std::string cycle;
            for (const auto& name : path) cycle += name + " -> ";
            return Error::make(ErrorCode::Invalid, "profile '" + chain.profile +
                                                       "': source_profile goes round in a cycle: " +
                                                       cycle + p->source_profile);
        }
        const auto next = config.profiles.find(p->source_profile);
        if (next == config.profiles.end()) {
            return Error::make(ErrorCode::NotFound,
                               "profile '" + p->name + "' names source_profile '" +
                                   p->source_profile + "', which is not in the AWS config file");
        }
        chain.hops.push_back(std::move(*hop));
        p = &next->second;
    }
    std::reverse(chain.hops.begin(), chain.hops.end());
    chain.region = it->second.region.empty() ? chain.source.sso_region : it->second.region;
    return chain;
}

Expected<ResolvedProfile> resolve_profile(const AwsConfig& config, std::string_view profile) {
    const auto it = config.profiles.find(std::string(profile));
    if (it == config.profiles.end()) {
        return Error::make(ErrorCode::NotFound,
                           "profile '" + std::string(profile) + "' is not in the AWS config file");
    }
    const ProfileConfig& p = it->second;
    // botocore tries role_arn before SSO; the other providers' keys matter only to a profile
    // that would otherwise have no SSO role.
    const bool sso_role = !p.sso_account_id.empty() || !p.sso_role_name.empty();
    if (!p.role_arn.empty() || !sso_role)
        if (auto refused = refused_key(p)) return std::move(*refused);
    if (p.role_arn.empty()) return resolve_sso_profile(config, p);

    auto chain = resolve_role_chain(config, profile);
    if (!chain) return std::move(chain).error();
    ResolvedProfile r;
    r.session_id = chain->source.session_id;
    r.sso_region = chain->source.sso_region;
    r.role.account_id = chain->hops.back().account_id;
    r.role.role_name = chain->hops.back().role_name;
    r.role.session = chained_session(p.name);
    r.region = chain->region;
    return r;
}

Expected<std::string> login_session_of(const AwsConfig& config, std::string_view profile) {
    const auto it = config.profiles.find(std::string(profile));
    if (it == config.profiles.end())
        return Error::make(ErrorCode::NotFound,
                           "profile '" + std::string(profile) + "' is not in the AWS config file");
    const ProfileConfig& p = it->second;
    if (!p.role_arn.empty()) {
        // A chained profile logs in to the session at the root of its source_profile chain.
        auto chain = resolve_role_chain(config, profile);
        if (!chain) return std::move(chain).error();
        return chain->source.session_id;
    }
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
