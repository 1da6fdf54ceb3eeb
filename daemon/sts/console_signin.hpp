// The AWS console for a role (`ssocred console`), as AWS documents for a custom identity
// broker: the role's credentials go to the federation endpoint's getSigninToken, whose
// SigninToken makes the login URL (Action=login) a browser opens.
//
// The signin host and the console home follow the partition and region (AWS Sign-In
// endpoints: https://signin.aws.amazon.com for us-east-1, https://REGION.signin.aws.amazon.com
// elsewhere; China https://signin.amazonaws.cn; GovCloud https://signin.amazonaws-us-gov.com).
// AWS_ENDPOINT_URL_SIGNIN (a base URL) replaces it; "/federation" is appended for the token
// call and the login URL alike.
//
// SessionDuration is never sent: the federation endpoint accepts it only for credentials
// that were obtained with long-term IAM user keys, and refuses it ("Invalid credentials
// parameter") for role sessions made from temporary credentials, which is what SSO
// GetRoleCredentials and a role chain give. The console session then lasts as long as the
// role session does.
//
// The SigninToken is a bearer credential for the console: it never reaches a log or an
// error message.
#pragma once

#include <string>
#include <string_view>

#include "ssocred/credentials.hpp"
#include "ssocred/expected.hpp"
#include "ssocred/secret.hpp"

#include "sso/http_client.hpp"

namespace ssocred::sts {

// The federation base URL (no "/federation") for `region`; an empty region is the global
// endpoint. Invalid for a malformed region or a partition without a public console (ISO).
Expected<std::string> default_signin_base(const std::string& region);
// The console home page for `region` (empty: the global home page).
Expected<std::string> default_console_destination(const std::string& region);

// "/federation?Action=getSigninToken&Session=<url-encoded JSON>": holds the role's secret
// key and session token.
Secret signin_token_target(const RoleCredentials& credentials);
// The SigninToken of a getSigninToken answer body.
Expected<Secret> parse_signin_token(std::string_view body);
// `base` + "/federation?Action=login&Issuer=...&Destination=...&SigninToken=...".
Secret console_login_url(std::string_view base, std::string_view issuer,
                         std::string_view destination, const Secret& signin_token);

// getSigninToken over `transport` (whose base URL is the federation base).
Expected<Secret> get_signin_token(sso::HttpTransport& transport, const std::string& where,
                                  const RoleCredentials& credentials);

}  // namespace ssocred::sts
