// The AWS sign-in federation endpoint (`/federation`), as a custom identity broker uses it
// to open the console:
//   GET /federation?Action=getSigninToken&Session=<url-encoded JSON>[&SessionDuration=N]
//       -> 200 {"SigninToken": "..."} when the session's keys are role credentials the
//          emulator issued (GetRoleCredentials, with or without --sts-endpoint), the secret
//          key and session token match and they have not expired; 400 for a malformed
//          request, 403 for keys it does not know or that expired.
//   GET /federation?Action=login&Issuer=...&Destination=URL&SigninToken=T
//       -> 302 Location: URL when T is a signin token it issued less than 15 minutes ago
//          (the real endpoint's validity); 400 otherwise.
#pragma once

#include "http.hpp"
#include "state.hpp"

namespace emu {

inline constexpr std::string_view kFederationPath = "/federation";

// The operation name the request is counted under ("GetSigninToken", "ConsoleLogin", or
// "Federation" for an unknown Action).
std::string federation_operation(const Target& target);
Response federation(State& state, const Target& target);

}  // namespace emu
