// A minimal STS for role chains (`role_arn` + `source_profile` profiles): the daemon's
// AssumeRole (Query API, `POST /` with a form body, SigV4-signed) is answered when it is
// signed with role credentials the emulator issued, unexpired, whose session token comes
// along (X-Amz-Security-Token), and whose signature checks out. The new keys are recorded
// like GetRoleCredentials' (/__admin/issued, `assumed_role_arn` set), so the federation
// endpoint accepts them as well. Any role ARN is assumable: no trust policies are modelled
// (tests/interop chains roles on moto for that).
//
// Errors in STS's XML shape: MissingAction/MissingParameter/ValidationError 400,
// InvalidClientTokenId/SignatureDoesNotMatch/IncompleteSignature 403, ExpiredToken 400.
#pragma once

#include "http.hpp"
#include "state.hpp"

namespace emu {

// True when `req` is an STS Query-API call this module answers (POST / with a form body).
bool is_sts_request(const Request& req, const Target& target);
Response sts_assume_role(State& state, const Request& req, const Target& target);

}  // namespace emu
