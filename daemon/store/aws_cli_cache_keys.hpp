// File names in ~/.aws/sso/cache, computed exactly as the AWS CLI and SDKs do
// (PROTOCOLS.md §5.1, §6.1, §12 item 19). Any deviation means two logins and two refresh
// tokens for one session, so these are tested against the documented vectors.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ssocred/expected.hpp"

namespace ssocred::aws_cli {

// Token cache key: SHA-1 hex of the sso-session name, or of a legacy profile's start URL
// exactly as configured (no normalisation: a trailing '/' changes the hash).
std::string token_cache_key(std::string_view session_or_start_url);

// What the CLI hashes for a client registration (BaseSSOTokenFetcher._registration_cache_key).
struct RegistrationKey {
    std::string start_url;  // as configured
    std::string region;     // sso_region
    // sso_registration_scopes as configured; nullopt (JSON null) when the config has none,
    // even though PKCE registers with a default scope.
    std::optional<std::vector<std::string>> scopes;
    // sso-session name; nullopt for a legacy profile.
    std::optional<std::string> session_name;
};

// The exact text Python's json.dumps(..., sort_keys=True) produces for the key object:
// default separators ", " and ": ", ensure_ascii escaping. Invalid when a string is not
// valid UTF-8 (Python could not have produced it either).
Expected<std::string> registration_key_json(const RegistrationKey& key);
// SHA-1 hex of registration_key_json.
Expected<std::string> registration_cache_key(const RegistrationKey& key);

}  // namespace ssocred::aws_cli
