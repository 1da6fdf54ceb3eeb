// PKCE pieces of the authorization-code login (PROTOCOLS.md §3.4, §5.3).
#pragma once

#include <string>
#include <vector>

#include "ssocred/secret.hpp"

namespace ssocred::sso {

// 64 characters from [A-Za-z0-9-._~], drawn with the CSPRNG (rejection sampling, no bias).
Secret make_code_verifier();
// base64url(SHA-256(verifier)) without '=' padding (43 characters).
std::string code_challenge_s256(const Secret& verifier);

// {origin}/authorize?response_type=code&client_id=…&redirect_uri=…&state=…
// &code_challenge_method=S256&scopes=…&code_challenge=… — parameters in this order,
// percent-encoded leaving only -._~ unescaped, scopes joined with a space, challenge raw.
std::string build_authorize_url(const std::string& oidc_origin, const std::string& client_id,
                                const std::string& redirect_uri, const std::string& state,
                                const std::vector<std::string>& scopes,
                                const std::string& challenge);

}  // namespace ssocred::sso
