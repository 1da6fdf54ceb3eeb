#include "sts_service.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "ssocred/crypto.hpp"

#include "sigv4.hpp"

namespace emu {
namespace {

namespace crypto = ssocred::crypto;

std::string xml_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out.push_back(c);
        }
    }
    return out;
}

Response xml_reply(http::status status, std::string body) {
    Response res{status, 11};
    res.set(http::field::content_type, "text/xml");
    res.body() = std::move(body);
    return res;
}

Response sts_error(http::status status, std::string_view code, std::string_view message) {
    return xml_reply(status,
                     "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                     "<Error><Type>Sender</Type><Code>" +
                         xml_escape(code) + "</Code><Message>" + xml_escape(message) +
                         "</Message></Error><RequestId>" + crypto::random_uuid4() +
                         "</RequestId></ErrorResponse>");
}

std::map<std::string, std::string> parse_form(std::string_view body) {
    std::map<std::string, std::string> out;
    std::size_t from = 0;
    while (from < body.size()) {
        std::size_t amp = body.find('&', from);
        if (amp == std::string_view::npos) amp = body.size();
        const std::string_view pair = body.substr(from, amp - from);
        const std::size_t eq = pair.find('=');
        out.emplace(url_decode(pair.substr(0, eq)),
                    eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1)));
        from = amp + 1;
    }
    return out;
}

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

// "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/sts/aws4_request, SignedHeaders=a;b,
// Signature=hex" -> its three values; nullopt when it is not of that form.
struct Authorization {
    std::string key_id;
    std::string scope;
    std::vector<std::string> signed_headers;
    std::string signature;
};

std::optional<Authorization> parse_authorization(std::string_view header) {
    static constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256 ";
    if (!header.starts_with(kAlgorithm)) return std::nullopt;
    header.remove_prefix(kAlgorithm.size());
    Authorization a;
    std::string headers;
    std::size_t from = 0;
    while (from < header.size()) {
        std::size_t comma = header.find(',', from);
        if (comma == std::string_view::npos) comma = header.size();
        const std::string item = trim(header.substr(from, comma - from));
        const std::size_t eq = item.find('=');
        if (eq != std::string::npos) {
            const std::string name = item.substr(0, eq);
            const std::string value = item.substr(eq + 1);
            if (name == "Credential") {
                const std::size_t slash = value.find('/');
                if (slash == std::string::npos) return std::nullopt;
                a.key_id = value.substr(0, slash);
                a.scope = value.substr(slash + 1);
            } else if (name == "SignedHeaders") {
                headers = value;
            } else if (name == "Signature") {
                a.signature = value;
            }
        }
        from = comma + 1;
    }
    if (a.key_id.empty() || a.scope.empty() || headers.empty() || a.signature.empty())
        return std::nullopt;
    std::size_t at = 0;
    while (at <= headers.size()) {
        std::size_t semi = headers.find(';', at);
        if (semi == std::string::npos) semi = headers.size();
        a.signed_headers.push_back(headers.substr(at, semi - at));
        at = semi + 1;
    }
    return a;
}

// The canonical request of SigV4 step 1 as the caller must have built it.
std::string canonical_request(const Request& req, const Target& target,
                              const std::vector<std::string>& signed_headers) {
    const std::string raw(req.target());
    const std::size_t q = raw.find('?');
    std::vector<std::string> query;
    if (q != std::string::npos) {
        std::string_view rest = std::string_view(raw).substr(q + 1);
        std::size_t from = 0;
        while (from < rest.size()) {
            std::size_t amp = rest.find('&', from);
            if (amp == std::string_view::npos) amp = rest.size();
            query.emplace_back(rest.substr(from, amp - from));
            from = amp + 1;
        }
        std::sort(query.begin(), query.end());
    }
    std::string canonical_query;
    for (const auto& p : query) canonical_query += (canonical_query.empty() ? "" : "&") + p;
    std::string headers;
    std::string names;
    for (const auto& name : signed_headers) {
        headers += name + ":" + trim(req[name]) + "\n";
        names += (names.empty() ? "" : ";") + name;
    }
    return std::string(req.method_string()) + "\n" + target.path + "\n" + canonical_query + "\n" +
           headers + "\n" + names + "\n" + crypto::hex_encode(crypto::sha256_raw(req.body()));
}

bool valid_session_name(std::string_view s) {
    return s.size() >= 2 && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) ||
                      std::string_view("+=,.@_-").find(c) != std::string_view::npos;
           });
}

}  // namespace

bool is_sts_request(const Request& req, const Target& target) {
    return target.path == "/" && req.method() == http::verb::post &&
           std::string_view(req[http::field::content_type])
               .starts_with("application/x-www-form-urlencoded");
}

Response sts_assume_role(State& state, const Request& req, const Target& target) {
    const auto form = parse_form(req.body());
    const auto param = [&form](const char* name) -> std::string {
        auto it = form.find(name);
        return it == form.end() ? std::string() : it->second;
    };
    const std::string action = param("Action");
    if (action.empty())
        return sts_error(http::status::bad_request, "MissingAction", "Missing Action");
    if (action != "AssumeRole")
        return sts_error(http::status::bad_request, "InvalidAction",
                         "Could not find operation " + action +
                             " (the emulator's STS knows "
                             "AssumeRole only)");

    // Who is calling: keys the emulator issued, unexpired, signed correctly.
    const auto auth = parse_authorization(req[http::field::authorization]);
    if (!auth)
        return sts_error(http::status::forbidden, "IncompleteSignature",
                         "Authorization header requires a SigV4 Credential, SignedHeaders and "
                         "Signature");
    const IssuedCredentials* caller = nullptr;
    for (const auto& c : state.issued()) {
        if (c.access_key_id == auth->key_id) caller = &c;
    }
    if (!caller || !crypto::constant_time_equals(caller->session_token,
                                                 std::string(req["x-amz-security-token"])))
        return sts_error(http::status::forbidden, "InvalidClientTokenId",
                         "The security token included in the request is invalid.");
    if (caller->expiration <= state.now())
        return sts_error(http::status::bad_request, "ExpiredToken",
                         "The security token included in the request is expired");
    const bool signs_token = std::find(auth->signed_headers.begin(), auth->signed_headers.end(),
                                       "x-amz-security-token") != auth->signed_headers.end();
    const std::string expected =
        sigv4_signature(canonical_request(req, target, auth->signed_headers),
                        std::string(req["x-amz-date"]), auth->scope, caller->secret_access_key);
    if (!signs_token || expected.empty() ||
        !crypto::constant_time_equals(expected, auth->signature))
        return sts_error(http::status::forbidden, "SignatureDoesNotMatch",
                         "The request signature we calculated does not match the signature you "
                         "provided.");

    const std::string role_arn = param("RoleArn");
    const std::string session_name = param("RoleSessionName");
    if (role_arn.empty() || session_name.empty())
        return sts_error(http::status::bad_request, "MissingParameter",
                         "RoleArn and RoleSessionName are required");
    // arn:aws:iam::123456789012:role/[path/]Name
    static constexpr std::string_view kPrefix = "arn:aws:iam::";
    const std::size_t role_at = role_arn.find(":role/");
    if (!role_arn.starts_with(kPrefix) || role_at != kPrefix.size() + 12 ||
        !std::all_of(role_arn.begin() + kPrefix.size(), role_arn.begin() + role_at,
                     [](char c) { return c >= '0' && c <= '9'; }) ||
        role_arn.back() == '/')
        return sts_error(http::status::bad_request, "ValidationError",
                         "RoleArn is not a valid IAM role ARN");
    if (!valid_session_name(session_name))
        return sts_error(http::status::bad_request, "ValidationError",
                         "RoleSessionName must be 2 to 64 characters of [\\w+=,.@-]");
    if (const std::string d = param("DurationSeconds"); !d.empty()) {
        long long value = 0;
        const auto [end, ec] = std::from_chars(d.data(), d.data() + d.size(), value);
        if (ec != std::errc() || end != d.data() + d.size() || value < 900 || value > 43200)
            return sts_error(http::status::bad_request, "ValidationError",
                             "DurationSeconds must be from 900 to 43200");
    }
    const std::string account = role_arn.substr(kPrefix.size(), 12);
    const std::string role = role_arn.substr(role_arn.rfind('/') + 1);
    // Invented like GetRoleCredentials' keys; recorded with the STS view of them.
    IssuedCredentials& issued = state.issue_credentials(account, role, "");
    issued.assumed_role_arn =
        "arn:aws:sts::" + account + ":assumed-role/" + role + "/" + session_name;
    return xml_reply(
        http::status::ok,
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
        "<AssumeRoleResult><AssumedRoleUser><AssumedRoleId>AROAEMULATOR:" +
            xml_escape(session_name) + "</AssumedRoleId><Arn>" +
            xml_escape(issued.assumed_role_arn) +
            "</Arn></AssumedRoleUser><Credentials><AccessKeyId>" +
            xml_escape(issued.access_key_id) + "</AccessKeyId><SecretAccessKey>" +
            xml_escape(issued.secret_access_key) + "</SecretAccessKey><SessionToken>" +
            xml_escape(issued.session_token) + "</SessionToken><Expiration>" +
            ssocred::format_utc(issued.expiration) +
            "</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>" +
            crypto::random_uuid4() + "</RequestId></ResponseMetadata></AssumeRoleResponse>");
}

}  // namespace emu
