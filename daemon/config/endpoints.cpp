#include "config/endpoints.hpp"

#include <algorithm>
#include <cstdlib>

namespace ssocred::config {
namespace {

bool valid_region(const std::string& r) {
    return !r.empty() && r.size() <= 64 && std::all_of(r.begin(), r.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

bool truthy(std::string v) {
    std::transform(v.begin(), v.end(), v.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return v == "true";
}

}  // namespace

std::optional<std::string> process_env(const char* name) {
    const char* v = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read-only use
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
}

Expected<std::string> default_endpoint(SsoService service, const std::string& sso_region) {
    if (!valid_region(sso_region)) {
        return Error::make(ErrorCode::Invalid,
                           "'" + sso_region.substr(0, 64) + "' is not a valid sso_region");
    }
    const std::string suffix = sso_region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    const std::string prefix = service == SsoService::Oidc ? "oidc." : "portal.sso.";
    return "https://" + prefix + sso_region + "." + suffix;
}

namespace {

// The configured override of one service, if any (nullopt: use the default).
Expected<std::optional<ResolvedEndpoint>> configured_endpoint(const char* service_var,
                                                              const char* services_key,
                                                              const AwsConfig& config,
                                                              const ProfileConfig* profile,
                                                              const EnvLookup& env) {
    const bool ignore = (env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") &&
                         truthy(*env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))) ||
                        (profile != nullptr && profile->ignore_configured_endpoint_urls);
    if (ignore) return std::optional<ResolvedEndpoint>{};
    if (auto v = env(service_var))
        return std::optional(ResolvedEndpoint{*v, std::string("env ") + service_var});
    if (auto v = env("AWS_ENDPOINT_URL"))
        return std::optional(ResolvedEndpoint{*v, "env AWS_ENDPOINT_URL"});
    if (profile != nullptr && !profile->services.empty()) {
        const auto s = config.services.find(profile->services);
        if (s == config.services.end()) {
            return Error::make(ErrorCode::Invalid, "profile '" + profile->name +
                                                       "' names services '" + profile->services +
                                                       "' but there is no [services " +
                                                       profile->services + "] section");
        }
        if (const auto sub = s->second.services.find(services_key);
            sub != s->second.services.end()) {
            if (const auto url = sub->second.find("endpoint_url");
                url != sub->second.end() && !url->second.empty()) {
                return std::optional(
                    ResolvedEndpoint{url->second, "services " + profile->services});
            }
        }
    }
    if (profile != nullptr && !profile->endpoint_url.empty()) {
        return std::optional(
            ResolvedEndpoint{profile->endpoint_url, "profile " + profile->name + " endpoint_url"});
    }
    return std::optional<ResolvedEndpoint>{};
}

}  // namespace

Expected<ResolvedEndpoint> resolve_endpoint(SsoService service, const std::string& sso_region,
                                            const AwsConfig& config, const ProfileConfig* profile,
                                            const EnvLookup& env) {
    const bool oidc = service == SsoService::Oidc;
    auto configured =
        configured_endpoint(oidc ? "AWS_ENDPOINT_URL_SSO_OIDC" : "AWS_ENDPOINT_URL_SSO",
                            oidc ? "sso_oidc" : "sso", config, profile, env);
    if (!configured) return std::move(configured).error();
    if (*configured) return std::move(**configured);
    auto def = default_endpoint(service, sso_region);
    if (!def) return std::move(def).error();
    return ResolvedEndpoint{*def, "default"};
}

Expected<ResolvedEndpoint> resolve_sts_endpoint(const std::string& region, const AwsConfig& config,
                                                const ProfileConfig* profile,
                                                const EnvLookup& env) {
    auto configured = configured_endpoint("AWS_ENDPOINT_URL_STS", "sts", config, profile, env);
    if (!configured) return std::move(configured).error();
    if (*configured) return std::move(**configured);
    if (!valid_region(region)) {
        return Error::make(ErrorCode::Invalid,
                           "'" + region.substr(0, 64) + "' is not a valid region for STS");
    }
    const std::string suffix = region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    return ResolvedEndpoint{"https://sts." + region + "." + suffix, "default"};
}

}  // namespace ssocred::config
