#include "sts/chain_fetcher.hpp"

#include <spdlog/spdlog.h>

#include "sts/assume_role.hpp"

namespace ssocred::sts {

ChainFetcher::ChainFetcher(RoleCredentialFetcher& sso, const Clock& clock,
                           TransportFactory transport, config::EnvLookup env)
    : sso_(sso),
      clock_(clock),
      transport_(std::move(transport)),
      env_(std::move(env)),
      config_(std::make_shared<const config::AwsConfig>()) {
    if (!transport_) {
        transport_ = [&clock](const sso::BaseUrl& url) -> std::unique_ptr<sso::HttpTransport> {
            return std::make_unique<sso::HttpClient>(url, clock);
        };
    }
}

void ChainFetcher::set_config(std::shared_ptr<const config::AwsConfig> config) {
    std::lock_guard lock(mu_);
    config_ = std::move(config);
}

Expected<RoleCredentials> ChainFetcher::fetch(const RoleRef& role) {
    if (!config::is_chained_session(role.session)) return sso_.fetch(role);

    std::shared_ptr<const config::AwsConfig> cfg;
    {
        std::lock_guard lock(mu_);
        cfg = config_;
    }
    const std::string profile(config::chained_profile_name(role.session));
    auto chain = config::resolve_role_chain(*cfg, profile);
    if (!chain) return std::move(chain).error();
    const auto& last = chain->hops.back();
    if (last.account_id != role.account_id || last.role_name != role.role_name) {
        // The config changed under a cached entry: never serve another role under its name.
        return Error::make(ErrorCode::NotFound, "profile '" + profile + "' now names role " +
                                                    last.account_id + "/" + last.role_name +
                                                    "; ask for the profile again");
    }

    const config::ProfileConfig& top = cfg->profiles.at(profile);
    auto endpoint = config::resolve_sts_endpoint(chain->region, *cfg, &top, env_);
    if (!endpoint) return std::move(endpoint).error();
    auto url = sso::parse_base_url(endpoint->url);
    if (!url) {
        Error e = std::move(url).error();
        e.message = "STS endpoint (" + endpoint->source + "): " + e.message;
        return e;
    }

    auto current = sso_.fetch(chain->source.role);
    if (!current) return std::move(current).error();

    const auto transport = transport_(*url);
    for (const auto& hop : chain->hops) {
        const SystemTime now = clock_.now();
        AssumeRoleParams params;
        params.role_arn = hop.role_arn;
        params.role_session_name = hop.role_session_name.empty()
                                       ? "ssocred-" + std::to_string(to_epoch_seconds(now))
                                       : hop.role_session_name;
        params.external_id = hop.external_id;
        // Every hop here is role chaining (the source is itself a role session), which AWS
        // caps at one hour: asking for more only earns a ValidationError.
        if (hop.duration_seconds) params.duration_seconds = std::min(*hop.duration_seconds, 3600);
        auto next =
            assume_role(*transport, StsEndpoint{*url, chain->region}, *current, params, now);
        if (!next) return std::move(next).error();
        spdlog::debug("assumed {} for profile {} at {}", hop.role_arn, hop.profile,
                      url->to_string());
        current = std::move(next);  // the previous hop's credentials are wiped here
    }
    current->role = role;
    return current;
}

std::string ChainFetcher::canonical_session(std::string_view session) const {
    if (config::is_chained_session(session)) return std::string(session);
    return sso_.canonical_session(session);
}

}  // namespace ssocred::sts
