// Where role credentials come from. By default the emulator invents them; with
// --sts-endpoint an StsMinter obtains real ones from an STS (moto) by AssumeRole, so that a
// request signed with what a client got from ssocred can be checked by a third party.
#pragma once

#include <string>

#include "ssocred/expected.hpp"

namespace emu {

struct MintedKeys {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;
    std::string assumed_role_arn;  // what GetCallerIdentity will answer for these keys
};

class RoleMinter {
  public:
    virtual ~RoleMinter() = default;
    // Fresh credentials for `role` in `account_id`, valid for `duration_seconds` (as far as
    // the issuer honours it). Errors carry no secret.
    virtual ssocred::Expected<MintedKeys> mint(const std::string& account_id,
                                               const std::string& role,
                                               long long duration_seconds) = 0;
};

}  // namespace emu
