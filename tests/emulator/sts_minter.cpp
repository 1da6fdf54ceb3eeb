#include "sts_minter.hpp"

#include <chrono>
#include <cstdlib>

#include <httplib.h>

#include "http.hpp"

namespace emu {

using ssocred::Error;
using ssocred::ErrorCode;

namespace {

constexpr std::string_view kContentType = "application/x-www-form-urlencoded; charset=utf-8";
constexpr std::string_view kSessionName = "ssocred-emulator";
constexpr time_t kTimeoutSeconds = 10;

std::string xml_unescape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '&') {
            out.push_back(text[i]);
            continue;
        }
        static constexpr std::pair<std::string_view, char> kEntities[] = {
            {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
        bool matched = false;
        for (const auto& [entity, c] : kEntities) {
            if (text.substr(i, entity.size()) == entity) {
                out.push_back(c);
                i += entity.size() - 1;
                matched = true;
                break;
            }
        }
        if (!matched) out.push_back('&');
    }
    return out;
}

// The text of the first <tag>...</tag> in an STS Query-API answer (flat, no attributes on
// the elements we read), unescaped; nullopt if absent.
std::optional<std::string> xml_text(std::string_view xml, std::string_view tag) {
    const std::string open = "<" + std::string(tag) + ">";
    const std::string close = "</" + std::string(tag) + ">";
    auto begin = xml.find(open);
    if (begin == std::string_view::npos) return std::nullopt;
    begin += open.size();
    auto end = xml.find(close, begin);
    if (end == std::string_view::npos) return std::nullopt;
    return xml_unescape(xml.substr(begin, end - begin));
}

std::string env_or_empty(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

}  // namespace

ssocred::Expected<StsOptions> sts_options_from_env(std::string endpoint,
                                                   std::optional<std::string> region) {
    StsOptions o;
    if (!(endpoint.starts_with("http://") || endpoint.starts_with("https://"))) {
        return Error::make(ErrorCode::Invalid,
                           "--sts-endpoint: expected http(s)://HOST:PORT, got " + endpoint);
    }
    while (endpoint.ends_with("/")) endpoint.pop_back();
    if (endpoint.find('/', endpoint.find("://") + 3) != std::string::npos) {
        return Error::make(ErrorCode::Invalid, "--sts-endpoint: no path allowed: " + endpoint);
    }
    o.endpoint = std::move(endpoint);
    if (region) o.region = *region;
    o.key.access_key_id = env_or_empty("AWS_ACCESS_KEY_ID");
    o.key.secret_access_key = env_or_empty("AWS_SECRET_ACCESS_KEY");
    o.key.session_token = env_or_empty("AWS_SESSION_TOKEN");
    if (o.key.access_key_id.empty() || o.key.secret_access_key.empty()) {
        return Error::make(ErrorCode::Invalid,
                           "--sts-endpoint needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in "
                           "the environment (the key that signs AssumeRole)");
    }
    return o;
}

ssocred::Expected<MintedKeys> StsMinter::mint(const std::string& account_id,
                                              const std::string& role, long long duration_seconds) {
    const std::string role_arn = "arn:aws:iam::" + account_id + ":role/" + role;
    const std::string body =
        "Action=AssumeRole&Version=2011-06-15&RoleArn=" + url_encode(role_arn) +
        "&RoleSessionName=" + std::string(kSessionName) +
        "&DurationSeconds=" + std::to_string(duration_seconds);

    httplib::Client client(options_.endpoint);
    client.set_connection_timeout(kTimeoutSeconds, 0);
    client.set_read_timeout(kTimeoutSeconds, 0);
    client.set_write_timeout(kTimeoutSeconds, 0);
    const std::string host = options_.endpoint.substr(options_.endpoint.find("://") + 3);

    SigV4Request req{"POST", host, "/", std::string(kContentType), body};
    httplib::Headers headers{{"Host", host}};
    for (auto& [name, value] : sigv4_headers(req, options_.key, options_.region, "sts",
                                             std::chrono::system_clock::now())) {
        headers.emplace(name, value);
    }
    auto res = client.Post("/", headers, body, std::string(kContentType));
    if (!res) {
        return Error::make(ErrorCode::Network, "STS AssumeRole at " + options_.endpoint + ": " +
                                                   httplib::to_string(res.error()));
    }
    if (res->status != 200) {
        const std::string code = xml_text(res->body, "Code").value_or("?");
        const std::string message = xml_text(res->body, "Message").value_or("");
        return Error::make(ErrorCode::UpstreamFault,
                           "STS AssumeRole for " + role_arn + " answered HTTP " +
                               std::to_string(res->status) + " " + code + ": " + message);
    }
    MintedKeys keys;
    auto id = xml_text(res->body, "AccessKeyId");
    auto secret = xml_text(res->body, "SecretAccessKey");
    auto token = xml_text(res->body, "SessionToken");
    auto arn = xml_text(res->body, "Arn");
    if (!id || !secret || !token || !arn || id->empty() || secret->empty() || token->empty()) {
        return Error::make(ErrorCode::BadResponse,
                           "STS AssumeRole answer without complete Credentials");
    }
    keys.access_key_id = std::move(*id);
    keys.secret_access_key = std::move(*secret);
    keys.session_token = std::move(*token);
    keys.assumed_role_arn = std::move(*arn);
    return keys;
}

}  // namespace emu
