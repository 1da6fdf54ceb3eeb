// RFC 3986 percent-encoding, one implementation for the daemon and the CLI.
//
// Encoding keeps only the unreserved characters [A-Za-z0-9-._~] as they are (what
// botocore.utils.percent_encode does, and what a path segment or query value needs).
// Decoding comes in two strengths: the serving plane decodes what a client sent and refuses
// anything malformed; the SSO layer decodes what an upstream or a URL in the environment
// gave it, where a stray '%' is kept as written.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ssocred {

// Appends the encoding of `s` to `out`: a caller that reserved room for a secret keeps it in
// one buffer (no reallocation leaves a copy behind).
void append_percent_encoded(std::string& out, std::string_view s);
std::string percent_encode(std::string_view s);

// Strict: nullopt on a malformed escape ("%4", "%zz") or an encoded NUL. '+' is a space when
// `plus_is_space` (a query component), a plus otherwise (a path segment).
std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space);

// Lenient, for query components: '+' is a space, and an invalid escape is kept literally.
std::string percent_decode_lenient(std::string_view in);

}  // namespace ssocred
