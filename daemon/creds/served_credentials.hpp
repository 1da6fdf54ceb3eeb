// Building a ServedCredentials: the three response bodies, serialised once per credential
// change (PROTOCOLS.md §9.2 container body, §10.2 IMDS bodies).
//
// Every buffer holding a secret is sized before it is written, so no reallocation leaves a
// copy of the secret in freed memory, and the bodies are wiped when the last holder (the
// cache or an in-progress response) lets go.
#pragma once

#include "creds/credential_source.hpp"

namespace ssocred {

// Expiration and LastUpdated use format_utc ("YYYY-MM-DDTHH:MM:SSZ"); no trailing newline.
CredentialsPtr make_served_credentials(RoleCredentials credentials);

}  // namespace ssocred
