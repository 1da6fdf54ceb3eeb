// Upstream endpoint resolution for the two SSO services (PROTOCOLS.md §1, §1.1), in
// botocore's order: service env var (AWS_ENDPOINT_URL_SSO_OIDC / AWS_ENDPOINT_URL_SSO), then
// AWS_ENDPOINT_URL, then the profile's [services] section, then the profile's endpoint_url,
// then the regional default. AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or the profile key
// ignore_configured_endpoint_urls) disables every override. The returned URL may carry a path
// prefix; callers keep it for API calls (the PKCE authorize URL drops it).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "ssocred/expected.hpp"

#include "config/aws_config.hpp"

namespace ssocred::config {

enum class SsoService { Oidc, Portal };

using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
// getenv; empty values count as unset (as in botocore).
std::optional<std::string> process_env(const char* name);

struct ResolvedEndpoint {
    std::string url;     // e.g. "https://oidc.us-east-1.amazonaws.com" or "http://127.0.0.1:9/oidc"
    std::string source;  // "env AWS_ENDPOINT_URL_SSO_OIDC", "services dev", "default", ... (for
                         // status/logs)
};

// `profile` may be null (no profile references the session): then only env and defaults apply.
// Invalid when the region is not a plausible region name or a [services] section is missing.
Expected<ResolvedEndpoint> resolve_endpoint(SsoService service, const std::string& sso_region,
                                            const AwsConfig& config, const ProfileConfig* profile,
                                            const EnvLookup& env = process_env);

// The regional default, e.g. https://portal.sso.cn-north-1.amazonaws.com.cn.
Expected<std::string> default_endpoint(SsoService service, const std::string& sso_region);

// STS for a role chain, in the same order: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the
// profile's [services] `sts` endpoint_url, the profile's endpoint_url, then the regional
// endpoint https://sts.REGION.amazonaws.com (the SDKs' current default,
// sts_regional_endpoints = regional, us-east-1 included).
Expected<ResolvedEndpoint> resolve_sts_endpoint(const std::string& region, const AwsConfig& config,
                                                const ProfileConfig* profile,
                                                const EnvLookup& env = process_env);

}  // namespace ssocred::config
