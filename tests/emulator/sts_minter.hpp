// RoleMinter that calls STS AssumeRole (Query API, SigV4-signed) on a given endpoint:
// role ARN arn:aws:iam::<account>:role/<role>, session name "ssocred-emulator".
#pragma once

#include <optional>
#include <string>

#include "minter.hpp"
#include "sigv4.hpp"

namespace emu {

struct StsOptions {
    std::string endpoint;  // http(s)://host:port, no path
    std::string region = "us-east-1";
    AwsKey key;  // the caller's own credentials (an IAM user's access key)
};

// The signing key comes from the emulator's environment (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, optional AWS_SESSION_TOKEN) rather than from flags, so it never
// shows in the process list.
ssocred::Expected<StsOptions> sts_options_from_env(std::string endpoint,
                                                   std::optional<std::string> region);

class StsMinter final : public RoleMinter {
  public:
    explicit StsMinter(StsOptions options) : options_(std::move(options)) {}
    ssocred::Expected<MintedKeys> mint(const std::string& account_id, const std::string& role,
                                       long long duration_seconds) override;

  private:
    StsOptions options_;
};

}  // namespace emu
