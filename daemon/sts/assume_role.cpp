#include "sts/assume_role.hpp"

#include <algorithm>

#include "sts/sigv4_signer.hpp"
#include "sts/xml.hpp"

namespace ssocred::sts {
namespace {

constexpr const char* kFormType = "application/x-www-form-urlencoded; charset=utf-8";

// STS messages are plain text; keep them printable and short in our error messages.
std::string sts_message_text(std::string_view s) {
    std::string out;
    for (const char c : s.substr(0, 300)) out.push_back(c >= 0x20 && c < 0x7F ? c : ' ');
    return out;
}

std::string host_header(const sso::BaseUrl& url) {
    return url.default_port() ? url.host_for_url()
                              : url.host_for_url() + ":" + std::to_string(url.port);
}

}  // namespace

Expected<RoleCredentials> parse_assume_role_response(std::string_view body) {
    auto doc = parse_xml(body);
    if (!doc) return std::move(doc).error();
    if (doc->name != "AssumeRoleResponse")
        return Error::make(ErrorCode::BadResponse, "STS answered with an unexpected document");
    const XmlElement* c = doc->find({"AssumeRoleResult", "Credentials"});
    if (c == nullptr)
        return Error::make(ErrorCode::BadResponse, "STS AssumeRole answer without Credentials");
    const XmlElement* id = c->child("AccessKeyId");
    const XmlElement* secret = c->child("SecretAccessKey");
    const XmlElement* token = c->child("SessionToken");
    const XmlElement* expiration = c->child("Expiration");
    if (id == nullptr || secret == nullptr || token == nullptr || expiration == nullptr ||
        id->text.empty() || secret->text.empty() || token->text.empty()) {
        return Error::make(ErrorCode::BadResponse,
                           "STS AssumeRole answer with incomplete Credentials");
    }
    const auto expires = parse_utc(expiration->text);
    if (!expires) {
        return Error::make(ErrorCode::BadResponse,
                           "STS AssumeRole answer with an unreadable Expiration");
    }
    RoleCredentials out;
    out.access_key_id = id->text;
    out.secret_access_key = Secret(std::string_view(secret->text));
    out.session_token = Secret(std::string_view(token->text));
    out.expiration = *expires;
    return out;
}

std::optional<StsErrorInfo> parse_sts_error(std::string_view body) {
    auto doc = parse_xml(body);
    if (!doc || doc->name != "ErrorResponse") return std::nullopt;
    // STS writes ErrorResponse/Error; some stand-ins (moto) wrap it in Errors, which
    // botocore's query parser accepts too.
    const XmlElement* error = doc->child("Error");
    if (error == nullptr) error = doc->find({"Errors", "Error"});
    if (error == nullptr) return std::nullopt;
    const XmlElement* code = error->child("Code");
    if (code == nullptr || code->text.empty()) return std::nullopt;
    const XmlElement* message = error->child("Message");
    return StsErrorInfo{sts_message_text(code->text),
                        message != nullptr ? sts_message_text(message->text) : std::string{}};
}

Error sts_error(int http_status, const std::optional<StsErrorInfo>& info,
                const std::string& role_arn) {
    const std::string code = info ? info->code : std::string{};
    std::string what =
        "STS AssumeRole of " + role_arn + " failed: HTTP " + std::to_string(http_status);
    if (info) what += " " + info->code + (info->message.empty() ? "" : ": " + info->message);

    ErrorCode ec = ErrorCode::BadResponse;
    if (code == "Throttling" || code == "ThrottlingException" || code == "RequestLimitExceeded" ||
        http_status == 429) {
        ec = ErrorCode::Throttled;
    } else if (http_status >= 500 || code == "InternalFailure" || code == "ServiceUnavailable") {
        ec = ErrorCode::UpstreamFault;
    } else if (code == "AccessDenied") {
        ec = ErrorCode::AccessDenied;
        what += " (the role's trust policy must allow the source role to assume it";
        what += ", and an external_id must match)";
    } else if (code == "InvalidClientTokenId" || code == "ExpiredToken" ||
               code == "SignatureDoesNotMatch" || code == "IncompleteSignature") {
        ec = ErrorCode::Unauthorized;
    } else if (http_status >= 400 && http_status < 500) {
        ec = ErrorCode::Invalid;  // ValidationError, RegionDisabledException, ...
    }
    Error e = Error::make(ec, std::move(what));
    e.http_status = http_status;
    e.upstream_type = code;
    return e;
}

Expected<RoleCredentials> assume_role(sso::HttpTransport& transport, const StsEndpoint& endpoint,
                                      const RoleCredentials& source, const AssumeRoleParams& params,
                                      SystemTime now) {
    std::vector<std::pair<std::string, std::string>> form = {
        {"Action", "AssumeRole"},
        {"Version", "2011-06-15"},
        {"RoleArn", params.role_arn},
        {"RoleSessionName", params.role_session_name}};
    if (!params.external_id.empty()) form.emplace_back("ExternalId", params.external_id);
    if (params.duration_seconds)
        form.emplace_back("DurationSeconds", std::to_string(*params.duration_seconds));

    SigningRequest signing;
    signing.method = "POST";
    signing.host = host_header(endpoint.url);
    signing.path = endpoint.url.path_prefix + "/";
    signing.headers = {{"Content-Type", kFormType}};
    signing.body = sso::encode_query(form);

    SigningCredentials key;
    key.access_key_id = source.access_key_id;
    key.secret_access_key = source.secret_access_key;
    key.session_token = source.session_token;

    sso::HttpRequest request;
    request.method = "POST";
    request.target = "/";
    request.content_type = kFormType;
    request.headers = sign_v4(signing, key, SigningScope{endpoint.region, "sts", now});
    request.headers.emplace_back("Host", signing.host);
    request.body = std::move(signing.body);

    auto response = transport.send(std::move(request));
    if (!response) return std::move(response).error();
    if (response->status != 200)
        return sts_error(response->status, parse_sts_error(response->body), params.role_arn);
    auto creds = parse_assume_role_response(response->body);
    if (!creds) {
        Error e = std::move(creds).error();
        e.message = "STS AssumeRole of " + params.role_arn + ": " + e.message;
        return e;
    }
    creds->issued_at = now;
    return creds;
}

}  // namespace ssocred::sts
