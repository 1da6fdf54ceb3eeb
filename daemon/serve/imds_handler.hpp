// The EC2 instance-metadata endpoint, IMDSv2 semantics (DESIGN.md, PROTOCOLS.md §10).
//
// PUT /latest/api/token issues a session token (TTL header 1..21600 echoed back; 400
// otherwise; 403 with X-Forwarded-For; 403 on a version path). GET/HEAD need a valid
// X-aws-ec2-metadata-token (401) unless IMDSv1 is enabled. Bodies are text/plain, as on
// EC2, listings newline-separated with no trailing newline. The role is the active role.
#pragma once

#include <string_view>

#include "creds/credential_source.hpp"
#include "serve/imds_tokens.hpp"
#include "serve/reply.hpp"

namespace ssocred::serve {

class ImdsHandler {
  public:
    ImdsHandler(CredentialSource& source, ImdsTokens& tokens, bool v1_allowed, const Clock& clock)
        : source_(source), tokens_(tokens), v1_allowed_(v1_allowed), clock_(clock) {}

    // "/latest", "/latest/..." and "/<version>/api/token" (to refuse the latter).
    static bool owns(std::string_view path) noexcept;
    void handle(const Request& request, ReplyFn done);

  private:
    void put_token(const Request& request, ReplyFn& done);
    void metadata(std::string_view path, ReplyFn done);
    void info(const RoleRef& role, ReplyFn done);  // /latest/meta-data/iam/info

    CredentialSource& source_;
    ImdsTokens& tokens_;
    bool v1_allowed_;
    const Clock& clock_;
};

}  // namespace ssocred::serve
