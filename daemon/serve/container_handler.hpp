// The container-credentials endpoint (DESIGN.md "Endpoints served"; PROTOCOLS.md §9):
//   GET /v1/credentials                                       the token's role, else the active
//   role GET /v1/profiles/{profile}/credentials                    a profile's role GET
//   /v1/accounts/{account_id}/roles/{role_name}/credentials
// The Authorization header carries an endpoint token (raw, as SDKs send it, or "Bearer T").
// 401 no/unknown token, 403 token not valid for the role, 404 unknown path/role/profile,
// 405 wrong method, 503 engine errors (login required, upstream down).
#pragma once

#include <string_view>

#include "creds/credential_source.hpp"
#include "serve/endpoint_tokens.hpp"
#include "serve/reply.hpp"

namespace ssocred::serve {

class ContainerHandler {
  public:
    ContainerHandler(CredentialSource& source, EndpointTokens& tokens)
        : source_(source), tokens_(tokens) {}

    static bool owns(std::string_view path) noexcept { return path.starts_with("/v1/"); }
    void handle(const Request& request, ReplyFn done);

  private:
    CredentialSource& source_;
    EndpointTokens& tokens_;
};

// The token in an Authorization value: the raw value, or what follows "Bearer ".
std::string_view authorization_token(std::string_view value) noexcept;

}  // namespace ssocred::serve
