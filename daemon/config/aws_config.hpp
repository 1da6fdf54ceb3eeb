// The SSO-relevant model of the AWS shared config file (PROTOCOLS.md §7) and the botocore
// rules that turn a profile into an SSO session and a role.
//
// A *session id* is the `[sso-session NAME]` name, or, for a legacy profile (start URL in the
// profile, no `sso_session`), the start URL exactly as configured — the same strings the AWS
// CLI hashes for its token cache file name (§6.1).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ssocred/credentials.hpp"
#include "ssocred/expected.hpp"

namespace ssocred::config {

struct SsoSessionConfig {
    std::string name;
    std::string start_url;
    std::string region;
    std::vector<std::string> registration_scopes;  // empty when not configured
    // ssocred's own keys (the AWS CLI ignores unknown keys), as written; checked by
    // list_sso_sessions. Empty when not set.
    std::string session_duration;  // ssocred_session_duration: how long a session lasts
    std::string notify_before;     // ssocred_notify_before: lead of the "ends soon" notice
};

struct ProfileConfig {
    std::string name;
    std::string sso_session;
    std::string sso_start_url;
    std::string sso_region;
    std::string sso_account_id;
    std::string sso_role_name;
    std::string region;
    std::string services;      // name of a [services NAME] section
    std::string endpoint_url;  // profile-level endpoint override
    bool ignore_configured_endpoint_urls = false;
    // Role chaining (botocore's AssumeRoleProvider): role_arn assumed with the credentials
    // of source_profile.
    std::string role_arn;
    std::string source_profile;
    std::string role_session_name;
    std::string external_id;
    std::string duration_seconds;  // as written; checked by resolve_profile
    // Read only to refuse them by name: ssocred serves SSO roles and chains from them.
    std::string credential_source;
    std::string mfa_serial;
    std::string web_identity_token_file;
};

// [services NAME]: service key ("sso_oidc", "sso") -> its nested settings ("endpoint_url").
struct ServicesConfig {
    std::string name;
    std::map<std::string, std::map<std::string, std::string>> services;
};

struct AwsConfig {
    std::filesystem::path source;  // empty when parsed from a string
    std::map<std::string, ProfileConfig> profiles;
    std::map<std::string, SsoSessionConfig> sso_sessions;
    std::map<std::string, ServicesConfig> services;
};

// Splits `sso_registration_scopes` the way the CLI does: on ',', trimmed, empties dropped.
std::vector<std::string> parse_scopes(std::string_view text);

Expected<AwsConfig> parse_aws_config(std::string_view text, std::string_view file_name);
// A missing file is an empty config (the daemon can run before `aws configure sso`).
Expected<AwsConfig> load_aws_config(const std::filesystem::path& path);

// One SSO session ssocred can log in to.
struct SsoSessionInfo {
    std::string id;  // sso-session name, or the start URL of legacy profiles
    std::string start_url;
    std::string region;
    std::vector<std::string> registration_scopes;
    bool legacy = false;  // legacy sessions have no refresh token and use the device flow
    // The profile whose `services` / `endpoint_url` apply to this session's upstream calls:
    // $AWS_PROFILE when it uses this session, else the first (by name) profile that does.
    // Empty when no profile references the session.
    std::string endpoint_profile;
    // ssocred_session_duration / ssocred_notify_before of an [sso-session]; nullopt when not
    // set or not a duration (a warning then names the key).
    std::optional<std::chrono::seconds> session_duration;
    std::optional<std::chrono::seconds> notify_before;
};

struct SsoSessionList {
    std::vector<SsoSessionInfo> sessions;  // named sessions first, then legacy ones
    // Sections that could not become a session (missing start URL or region, conflicting
    // legacy profiles), and profiles whose sso_session names no [sso-session] (with a "did
    // you mean"). Not fatal: one bad section should not stop the others.
    std::vector<std::string> warnings;
};

// `aws_profile` is the value of $AWS_PROFILE (may be empty).
SsoSessionList list_sso_sessions(const AwsConfig& config, std::string_view aws_profile = {});

struct ResolvedProfile {
    // The SSO session whose login the profile needs (for a chained profile: the session of
    // the SSO profile at the root of its source_profile chain).
    std::string session_id;
    // An SSO profile: role.session == session_id. A chained profile: the account and role
    // name of its role_arn, and role.session == chained_session(profile name).
    RoleRef role;
    std::string region;  // the profile's `region`, else the SSO region
    std::string sso_region;
};

// botocore's SSOProvider rules: the profile needs sso_account_id and sso_role_name; with
// sso_session the [sso-session] must exist and a key set in both places must agree; without
// it, sso_start_url and sso_region must be in the profile. NotFound for an unknown profile or
// a profile without SSO settings; Invalid for a broken one.
// A profile with role_arn is a chained profile (see resolve_role_chain): resolved when its
// whole chain is. credential_source, mfa_serial and web_identity_token_file are refused with
// a message that names the key.
Expected<ResolvedProfile> resolve_profile(const AwsConfig& config, std::string_view profile);

// The SSO session `ssocred login --profile P` logs in to, as `aws sso login --profile P`
// picks it: the profile's `sso_session`, or its legacy `sso_start_url` (with `sso_region`).
// No role is needed. NotFound for an unknown profile, Invalid for one that names no session.
Expected<std::string> login_session_of(const AwsConfig& config, std::string_view profile);
// --- role chaining -------------------------------------------------------------------------

// The RoleRef::session of a chained profile's role: "profile:NAME". SSO session ids are
// sso-session names or start URLs, so the marker never collides with one in practice; it
// gives each chained profile its own cache entry (its own external_id, session name...).
std::string chained_session(std::string_view profile);
bool is_chained_session(std::string_view session);
// The profile name of a chained session marker ("" if `session` is not one).
std::string_view chained_profile_name(std::string_view session);

// One AssumeRole of a chain.
struct AssumeRoleHop {
    std::string profile;  // the profile that names this role_arn
    std::string role_arn;
    std::string account_id;         // from role_arn
    std::string role_name;          // from role_arn (its last path segment)
    std::string role_session_name;  // empty: ssocred picks "ssocred-<epoch seconds>"
    std::string external_id;
    std::optional<int> duration_seconds;
};

struct RoleChain {
    std::string profile;              // the chained profile asked for
    std::string source_profile;       // the SSO profile at the root
    ResolvedProfile source;           // ... resolved
    std::vector<AssumeRoleHop> hops;  // root outwards: the last one is `profile`'s role
    // Where STS is called and what signs for: as botocore, every hop uses the client settings
    // of the profile asked for: its region (else the root's SSO region), its endpoints.
    std::string region;
};

// Walks source_profile from `profile` down to an SSO profile. Invalid for a cycle, a missing
// source_profile, a malformed role_arn or duration_seconds, or a refused key anywhere on the
// way; NotFound when `profile` is not a chained profile or a source does not exist.
Expected<RoleChain> resolve_role_chain(const AwsConfig& config, std::string_view profile);

}  // namespace ssocred::config
