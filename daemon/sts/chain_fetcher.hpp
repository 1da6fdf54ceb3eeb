// ChainFetcher: the RoleCredentialFetcher the engine calls. SSO roles go to the SSO layer
// (GetRoleCredentials); a chained profile's role (RoleRef::session "profile:NAME") is
// resolved against the current AWS config, its root SSO role fetched from the SSO layer,
// then each hop assumed with STS AssumeRole using the previous hop's credentials.
//
// The engine caches the chained role like any other (renewal policy, single flight,
// last-good, backoff); the intermediate credentials are not cached, only wiped: a renewal
// costs one GetRoleCredentials plus one AssumeRole per hop, at most once an hour or so.
//
// Thread-safety: fetch() runs on worker threads; set_config() on the loop. The config is a
// shared immutable snapshot swapped under a mutex.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "config/aws_config.hpp"
#include "config/endpoints.hpp"
#include "creds/credential_source.hpp"
#include "sso/http_client.hpp"

namespace ssocred::sts {

class ChainFetcher final : public RoleCredentialFetcher {
  public:
    using TransportFactory =
        std::function<std::unique_ptr<sso::HttpTransport>(const sso::BaseUrl& url)>;

    // `sso` must outlive this object. Default transport: HttpClient (proxies, AWS_CA_BUNDLE).
    ChainFetcher(RoleCredentialFetcher& sso, const Clock& clock, TransportFactory transport = {},
                 config::EnvLookup env = config::process_env);

    void set_config(std::shared_ptr<const config::AwsConfig> config);

    Expected<RoleCredentials> fetch(const RoleRef& role) override;
    // A chained role's marker session is its own name; SSO sessions are the SSO layer's to
    // resolve (the default session and its name are one cache entry).
    std::string canonical_session(std::string_view session) const override;

  private:
    RoleCredentialFetcher& sso_;
    const Clock& clock_;
    TransportFactory transport_;
    config::EnvLookup env_;
    mutable std::mutex mu_;
    std::shared_ptr<const config::AwsConfig> config_;
};

}  // namespace ssocred::sts
