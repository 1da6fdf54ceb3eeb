#include "config/endpoints.hpp"

#include <cstdlib>

#include <gtest/gtest.h>

namespace ssocred::config {
namespace {

// Sets and restores one environment variable (tests in this binary run on one thread).
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value != nullptr) {
            ::setenv(name, value, 1);
        } else {
            ::unsetenv(name);
        }
    }
    ~ScopedEnv() {
        if (old_) {
            ::setenv(name_, old_->c_str(), 1);
        } else {
            ::unsetenv(name_);
        }
    }

  private:
    const char* name_;
    std::optional<std::string> old_;
};

constexpr const char* kEndpointsConfig = R"([profile p]
services = local
endpoint_url = http://profile-level:1
[profile q]
endpoint_url = http://profile-level:2
[profile missing]
services = nope
[services local]
sso_oidc =
  endpoint_url = http://services-oidc:3/oidc
)";

class Endpoints : public ::testing::Test {
  protected:
    ScopedEnv a_{"AWS_ENDPOINT_URL_SSO_OIDC", nullptr};
    ScopedEnv b_{"AWS_ENDPOINT_URL_SSO", nullptr};
    ScopedEnv c_{"AWS_ENDPOINT_URL", nullptr};
    ScopedEnv d_{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", nullptr};
    AwsConfig cfg_ = *parse_aws_config(kEndpointsConfig, "config");
    const ProfileConfig* p_ = &cfg_.profiles.at("p");
    const ProfileConfig* q_ = &cfg_.profiles.at("q");
};

TEST_F(Endpoints, RegionalDefaults) {
    EXPECT_EQ(resolve_endpoint(SsoService::Oidc, "us-east-1", cfg_, nullptr)->url,
              "https://oidc.us-east-1.amazonaws.com");
    EXPECT_EQ(resolve_endpoint(SsoService::Portal, "eu-west-1", cfg_, nullptr)->url,
              "https://portal.sso.eu-west-1.amazonaws.com");
    EXPECT_EQ(resolve_endpoint(SsoService::Oidc, "cn-north-1", cfg_, nullptr)->url,
              "https://oidc.cn-north-1.amazonaws.com.cn");
    EXPECT_EQ(resolve_endpoint(SsoService::Portal, "cn-northwest-1", cfg_, nullptr)->url,
              "https://portal.sso.cn-northwest-1.amazonaws.com.cn");
    EXPECT_FALSE(resolve_endpoint(SsoService::Oidc, "evil.com/x", cfg_, nullptr));
    EXPECT_FALSE(resolve_endpoint(SsoService::Oidc, "", cfg_, nullptr));
}

TEST_F(Endpoints, Precedence) {
    EXPECT_EQ(resolve_endpoint(SsoService::Oidc, "us-east-1", cfg_, p_)->url,
              "http://services-oidc:3/oidc");
    // [services] has no sso entry: the profile endpoint_url applies.
    EXPECT_EQ(resolve_endpoint(SsoService::Portal, "us-east-1", cfg_, p_)->url,
              "http://profile-level:1");
    EXPECT_EQ(resolve_endpoint(SsoService::Portal, "us-east-1", cfg_, q_)->url,
              "http://profile-level:2");
    {
        ScopedEnv all("AWS_ENDPOINT_URL", "http://global:4");
        EXPECT_EQ(resolve_endpoint(SsoService::Oidc, "us-east-1", cfg_, p_)->url,
                  "http://global:4");
        ScopedEnv oidc("AWS_ENDPOINT_URL_SSO_OIDC", "http://svc:5/o");
        auto r = resolve_endpoint(SsoService::Oidc, "us-east-1", cfg_, p_);
        EXPECT_EQ(r->url, "http://svc:5/o");
        EXPECT_EQ(r->source, "env AWS_ENDPOINT_URL_SSO_OIDC");
        EXPECT_EQ(resolve_endpoint(SsoService::Portal, "us-east-1", cfg_, p_)->url,
                  "http://global:4");
        ScopedEnv portal("AWS_ENDPOINT_URL_SSO", "http://svc:6/p");
        EXPECT_EQ(resolve_endpoint(SsoService::Portal, "us-east-1", cfg_, p_)->url,
                  "http://svc:6/p");
        ScopedEnv ignore("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "True");
        EXPECT_EQ(resolve_endpoint(SsoService::Portal, "us-east-1", cfg_, p_)->url,
                  "https://portal.sso.us-east-1.amazonaws.com");
    }
    {
        ScopedEnv empty("AWS_ENDPOINT_URL", "");  // empty counts as unset
        EXPECT_EQ(resolve_endpoint(SsoService::Portal, "us-east-1", cfg_, q_)->url,
                  "http://profile-level:2");
    }
}

TEST_F(Endpoints, MissingServicesSectionIsAnError) {
    auto r = resolve_endpoint(SsoService::Oidc, "us-east-1", cfg_, &cfg_.profiles.at("missing"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::Invalid);
}

}  // namespace
}  // namespace ssocred::config
