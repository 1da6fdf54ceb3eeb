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

Expected<ResolvedEndpoint> resolve_endpoint(SsoService service, const std::string& sso_region,
                                            const AwsConfig& config, const ProfileConfig* profile,
                                            const EnvLookup& env) {
    const bool ignore = (env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") &&
                         truthy(*env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))) ||
                        (profile != nullptr && profile->ignore_configured_endpoint_urls);
    if (!ignore) {
        const char* service_var =
            service == SsoService::Oidc ? "AWS_ENDPOINT_URL_SSO_OIDC" : "AWS_ENDPOINT_URL_SSO";
        if (auto v = env(service_var))
            return ResolvedEndpoint{*v, std::string("env ") + service_var};
        if (auto v = env("AWS_ENDPOINT_URL")) return ResolvedEndpoint{*v, "env AWS_ENDPOINT_URL"};
        if (profile != nullptr && !profile->services.empty()) {
            const auto s = config.services.find(profile->services);
            if (s == config.services.end()) {
                return Error::make(ErrorCode::Invalid,
                                   "profile '" + profile->name + "' names services '" +
                                       profile->services + "' but there is no [services " +
                                       profile->services + "] section");
            }
            const char* key = service == SsoService::Oidc ? "sso_oidc" : "sso";
            if (const auto sub = s->second.services.find(key); sub != s->second.services.end()) {
                if (const auto url = sub->second.find("endpoint_url");
                    url != sub->second.end() && !url->second.empty()) {
                    return ResolvedEndpoint{url->second, "services " + profile->services};
                }
            }
        }
        if (profile != nullptr && !profile->endpoint_url.empty()) {
            return ResolvedEndpoint{profile->endpoint_url,
                                    "profile " + profile->name + " endpoint_url"};
        }
    }
    auto def = default_endpoint(service, sso_region);
    if (!def) return std::move(def).error();
    return ResolvedEndpoint{*def, "default"};
}

}  // namespace ssocred::config
