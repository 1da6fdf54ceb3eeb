// The JSON form of one session's state file, `<state-dir>/sessions/<sha1>.json`:
//
//   {"version": 1, "session": ..., "startUrl": ..., "region": ...,
//    "accessTokenExpiresAt": "YYYY-MM-DDTHH:MM:SSZ", "issuedAt": ..., "loginRequired": false,
//    "sessionStartedAt": ..., "learnedSessionLengthSeconds": 28800,     (optional)
//    "registration": {"clientId", "expiresAt", "grantTypes", "scopes"},   (optional)
//    "sealed": "<hex of AES-256-GCM(nonce|ciphertext|tag)>"}
//
// Everything a thief could use - access token, refresh token, client secret - is inside
// "sealed" (itself JSON: {"accessToken","refreshToken","clientSecret"}), bound to the
// session id as associated data. The rest stays readable so `ssocred doctor` and a person
// debugging can see which session, which region and until when, without the key.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "ssocred/expected.hpp"
#include "ssocred/secret.hpp"

#include "store/token_state.hpp"

namespace ssocred {

inline constexpr int kSessionStateVersion = 1;

// The serialised file content. The caller wipes it after writing (it holds no plaintext
// secret, but wiping costs nothing and keeps the rule simple).
Expected<std::string> encode_session_state(const TokenState& state, const Secret& key);

// Decodes a parsed state file. Errors are Invalid (missing/mistyped member, bad seal).
// The caller checks "version" first (see SessionStore::load). `j` is wiped on return.
Expected<TokenState> decode_session_state(nlohmann::json& j, const Secret& key);

}  // namespace ssocred
