#include "sts/console_signin.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "ssocred/json_fields.hpp"
#include "ssocred/json_string.hpp"
#include "ssocred/percent_encoding.hpp"

#include "store/json_wipe.hpp"

namespace ssocred::sts {
namespace {

enum class Partition { Aws, China, GovCloud, Isolated };

bool valid_region(std::string_view r) {
    return r.size() <= 64 && std::all_of(r.begin(), r.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
           });
}

Expected<Partition> partition_of(const std::string& region) {
    if (!valid_region(region))
        return Error::make(ErrorCode::Invalid,
                           "'" + region.substr(0, 64) + "' is not a valid region name");
    if (region.starts_with("cn-")) return Partition::China;
    if (region.starts_with("us-gov-")) return Partition::GovCloud;
    // us-iso-*, us-isob-*, eu-isoe-*, us-isof-*: air-gapped partitions, no public console.
    if (region.find("-iso") != std::string::npos) return Partition::Isolated;
    return Partition::Aws;
}

Error no_public_console(const std::string& region) {
    return Error::make(ErrorCode::Invalid,
                       "region " + region +
                           " is in a partition without a public AWS console; set "
                           "AWS_ENDPOINT_URL_SIGNIN and --destination for your console");
}

}  // namespace

Expected<std::string> default_signin_base(const std::string& region) {
    if (region.empty()) return std::string("https://signin.aws.amazon.com");
    auto partition = partition_of(region);
    if (!partition) return std::move(partition).error();
    switch (*partition) {
        case Partition::China:
            return std::string("https://signin.amazonaws.cn");
        case Partition::GovCloud:
            return std::string("https://signin.amazonaws-us-gov.com");
        case Partition::Isolated:
            return no_public_console(region);
        case Partition::Aws:
            break;
    }
    if (region == "us-east-1") return std::string("https://signin.aws.amazon.com");
    return "https://" + region + ".signin.aws.amazon.com";
}

Expected<std::string> default_console_destination(const std::string& region) {
    if (region.empty()) return std::string("https://console.aws.amazon.com/console/home");
    auto partition = partition_of(region);
    if (!partition) return std::move(partition).error();
    const std::string home = "/console/home?region=" + region;
    switch (*partition) {
        case Partition::China:
            return "https://console.amazonaws.cn" + home;
        case Partition::GovCloud:
            return "https://console.amazonaws-us-gov.com" + home;
        case Partition::Isolated:
            return no_public_console(region);
        case Partition::Aws:
            break;
    }
    return "https://" + region + ".console.aws.amazon.com" + home;
}

Secret signin_token_target(const RoleCredentials& c) {
    const std::string& key = c.secret_access_key.reveal();
    const std::string& token = c.session_token.reveal();
    // The session JSON, then its encoding, each in a buffer sized for the worst case up front
    // so that no secret is left behind in a reallocated one.
    std::string json;
    json.reserve(64 + 6 * (c.access_key_id.size() + key.size() + token.size()));
    auto put = [&json](std::string_view piece) { json.append(piece); };
    json.append(R"({"sessionId":")");
    write_json_string_content(c.access_key_id, put);
    json.append(R"(","sessionKey":")");
    write_json_string_content(key, put);
    json.append(R"(","sessionToken":")");
    write_json_string_content(token, put);
    json.append(R"("})");

    static constexpr std::string_view kPrefix = "/federation?Action=getSigninToken&Session=";
    std::string target;
    target.reserve(kPrefix.size() + 3 * json.size());
    target.append(kPrefix);
    append_percent_encoded(target, json);
    secure_wipe(json);
    return Secret(std::move(target));
}

Expected<Secret> parse_signin_token(std::string_view body) {
    nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
    Secret token = jf::secret_member(j, "SigninToken").value_or(Secret());
    wipe_json(j);
    if (token.empty())
        return Error::make(ErrorCode::BadResponse,
                           "the sign-in endpoint answered without a SigninToken");
    return token;
}

Secret console_login_url(std::string_view base, std::string_view issuer,
                         std::string_view destination, const Secret& signin_token) {
    std::string url;
    url.reserve(base.size() + 80 + 3 * (issuer.size() + destination.size() + signin_token.size()));
    url.append(base);
    url.append("/federation?Action=login&Issuer=");
    append_percent_encoded(url, issuer);
    url.append("&Destination=");
    append_percent_encoded(url, destination);
    url.append("&SigninToken=");
    append_percent_encoded(url, signin_token.reveal());
    return Secret(std::move(url));
}

Expected<Secret> get_signin_token(sso::HttpTransport& transport, const std::string& where,
                                  const RoleCredentials& credentials) {
    sso::HttpRequest request;
    Secret target = signin_token_target(credentials);
    request.target = target.reveal();
    auto response = transport.send(std::move(request));
    secure_wipe(request.target);  // moved-from, but wipe whatever may be left
    if (!response) {
        Error e = std::move(response).error();
        e.message = "sign-in endpoint: " + e.message;
        return e;
    }
    if (response->status == 200) return parse_signin_token(response->body);
    // The body is not quoted: the endpoint's error pages are HTML, and echo nothing useful.
    if (response->status == 404) {
        // Not NotFound: that would read as an unknown profile to the CLI.
        Error e = Error::make(ErrorCode::BadResponse,
                              where +
                                  " has no federation endpoint (HTTP 404); check "
                                  "AWS_ENDPOINT_URL_SIGNIN (a base URL: /federation is "
                                  "appended)");
        e.http_status = 404;
        return e;
    }
    Error e = Error::make(
        response->status >= 500 ? ErrorCode::UpstreamFault : ErrorCode::AccessDenied,
        where + " refused the role's credentials for a console sign-in (HTTP " +
            std::to_string(response->status) + ")" +
            (response->status >= 500
                 ? "; try again later"
                 : ": they may have expired or been revoked; `ssocred status` shows the role"));
    e.http_status = response->status;
    return e;
}

}  // namespace ssocred::sts
