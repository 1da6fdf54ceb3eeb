#include "serve/imds_handler.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "ssocred/crypto.hpp"

#include "serve/json_error.hpp"

namespace ssocred::serve {

namespace {

constexpr std::string_view kTtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";

// "/2021-03-23/api/token": a dated version path.
bool is_version_token_path(std::string_view path) noexcept {
    if (!path.ends_with("/api/token") || path.size() < 2) return false;
    const std::string_view version = path.substr(1, path.size() - 1 - 10);
    if (version.empty() || version.find('/') != std::string_view::npos) return false;
    for (char c : version) {
        if (!((c >= '0' && c <= '9') || c == '-')) return false;
    }
    return true;
}

std::string_view strip_slash(std::string_view p) noexcept {
    if (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
    return p;
}

Reply text(std::string_view static_body) {
    return Reply::view(200, kText, static_body);
}

Reply not_found() {
    return Reply::error(WireError::NotFound, "unknown metadata path");
}

// A stable, fake instance-profile id: "AIPA" + 17 upper-case hex characters of a hash of the
// role, so tools see the same id for the same role.
std::string instance_profile_id(const RoleRef& role) {
    std::string h = crypto::sha1_hex(role.account_id + "/" + role.role_name).substr(0, 17);
    for (char& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return "AIPA" + h;
}

}  // namespace

bool ImdsHandler::owns(std::string_view path) noexcept {
    return path == "/latest" || path.starts_with("/latest/") || is_version_token_path(path);
}

void ImdsHandler::handle(const Request& request, ReplyFn done) {
    const std::string_view path = request.path;
    if (request.method == "PUT") {
        if (path == "/latest/api/token") return put_token(request, done);
        if (is_version_token_path(path)) {
            return done(Reply::error(WireError::Forbidden, "request tokens at /latest/api/token"));
        }
        Reply r = Reply::error(WireError::MethodNotAllowed, "use GET");
        r.extra_headers = "Allow: GET, HEAD\r\n";
        return done(std::move(r));
    }
    if (request.method != "GET" && request.method != "HEAD") {
        Reply r =
            Reply::error(WireError::MethodNotAllowed, "use GET, HEAD or PUT /latest/api/token");
        r.extra_headers = path == "/latest/api/token" ? "Allow: PUT\r\n" : "Allow: GET, HEAD\r\n";
        return done(std::move(r));
    }
    if (path == "/latest/api/token" || is_version_token_path(path)) {
        Reply r = Reply::error(WireError::MethodNotAllowed, "use PUT");
        r.extra_headers = "Allow: PUT\r\n";
        return done(std::move(r));
    }
    const auto token = request.header("X-aws-ec2-metadata-token");
    if (token ? !tokens_.valid(*token) : !v1_allowed_) {
        // An invalid token is refused even in v1 mode, as on EC2.
        return done(Reply::error(WireError::Unauthorized,
                                 "missing, invalid or expired X-aws-ec2-metadata-token: "
                                 "PUT /latest/api/token first"));
    }
    metadata(path, std::move(done));
}

void ImdsHandler::put_token(const Request& request, ReplyFn& done) {
    // A request that passed through a proxy may be relaying for someone else (EC2 refuses
    // X-Forwarded-For for this reason). Forwarded (RFC 7239) and X-Real-IP say the same, and
    // Via is what every forwarding proxy must add (RFC 9110 §7.6.3): all four are refused.
    for (const std::string_view name : {"X-Forwarded-For", "Forwarded", "X-Real-IP", "Via"}) {
        if (request.has_header(name)) {
            return done(
                Reply::error(WireError::Forbidden, "token requests through a proxy are refused"));
        }
    }
    const auto ttl_text = request.header(kTtlHeader);
    unsigned ttl = 0;
    if (ttl_text) {
        const auto [ptr, ec] =
            std::from_chars(ttl_text->data(), ttl_text->data() + ttl_text->size(), ttl);
        if (ec != std::errc{} || ptr != ttl_text->data() + ttl_text->size()) ttl = 0;
    }
    if (ttl < 1 || ttl > ImdsTokens::kMaxTtlSeconds) {
        return done(Reply::error(WireError::Invalid,
                                 "Missing or Invalid Parameters: "
                                 "X-aws-ec2-metadata-token-ttl-seconds must be 1..21600"));
    }
    Reply r = Reply::owned(200, kText, tokens_.issue(Seconds(ttl)));
    // The TTL echoed back, built in one allocation (this is every IMDS client's first call).
    char digits[12];
    const auto printed = std::to_chars(digits, digits + sizeof digits, ttl).ptr;
    r.extra_headers.reserve(kTtlHeader.size() + 2 + sizeof digits + 2);
    r.extra_headers.append(kTtlHeader).append(": ").append(digits, printed).append("\r\n");
    done(std::move(r));
}

void ImdsHandler::metadata(std::string_view path, ReplyFn done) {
    const std::string_view p = strip_slash(path);
    if (p == "/latest") return done(text("dynamic\nmeta-data"));
    if (p == "/latest/meta-data") return done(text("iam/\nplacement/"));
    if (p == "/latest/meta-data/iam") return done(text("info\nsecurity-credentials/"));
    if (p == "/latest/meta-data/placement") return done(text("availability-zone\nregion"));
    if (p == "/latest/meta-data/placement/region") {
        return done(Reply::owned(200, kText, source_.region()));
    }
    if (p == "/latest/meta-data/placement/availability-zone") {
        return done(Reply::owned(200, kText, source_.region() + "a"));
    }
    if (p == "/latest/dynamic") return done(text("instance-identity/"));
    if (p == "/latest/dynamic/instance-identity") return done(text("document"));
    if (p == "/latest/dynamic/instance-identity/document") {
        const auto active = source_.active_role();
        const std::string region = source_.region();
        nlohmann::json doc{
            {"accountId", active ? nlohmann::json(active->account_id) : nlohmann::json()},
            {"architecture", "x86_64"},
            {"availabilityZone", region + "a"},
            {"billingProducts", nullptr},
            {"devpayProductCodes", nullptr},
            {"marketplaceProductCodes", nullptr},
            {"imageId", "ami-00000000000000000"},
            {"instanceId", "i-00000000000000000"},
            {"instanceType", "t3.micro"},
            {"kernelId", nullptr},
            {"pendingTime", format_utc(clock_.now())},
            {"privateIp", "127.0.0.1"},
            {"ramdiskId", nullptr},
            {"region", region},
            {"version", "2017-09-30"}};
        return done(Reply::owned(200, kText, doc.dump(2)));
    }

    // Everything below concerns the active role.
    const bool extended = p.starts_with("/latest/meta-data/iam/security-credentials-extended");
    const std::string_view base = extended ? "/latest/meta-data/iam/security-credentials-extended"
                                           : "/latest/meta-data/iam/security-credentials";
    const bool is_info = p == "/latest/meta-data/iam/info";
    if (!is_info && !p.starts_with(base)) return done(not_found());
    std::string_view role_part;
    if (!is_info) {
        if (p.size() == base.size()) {
            role_part = {};
        } else if (p[base.size()] == '/') {
            role_part = p.substr(base.size() + 1);
        } else {
            return done(not_found());
        }
        if (role_part.find('/') != std::string_view::npos) return done(not_found());
    }
    auto active = source_.active_role();
    if (!active) {
        return done(Reply::error(WireError::NotFound, "no active role: run `ssocred use PROFILE`"));
    }
    if (!is_info && role_part.empty()) {
        // The role list: exactly the name, no trailing newline (botocore and Rust use the
        // whole body as the next path segment).
        return done(Reply::owned(200, kText, active->role_name));
    }
    if (!is_info && role_part != active->role_name) return done(not_found());
    if (is_info) return info(*active, std::move(done));
    // The SDKs' hot path: a completion without the role, small enough to be held inline.
    auto serve_body = [done = std::move(done), extended](Expected<CredentialsPtr> result) {
        if (!result) return done(Reply::from(json_error(result.error())));
        CredentialsPtr creds = std::move(*result);
        if (!creds) return done(Reply::error(WireError::Internal, "no credentials"));
        const std::string_view body = extended ? creds->imds_extended_json : creds->imds_json;
        done(Reply::view(200, kText, body, std::move(creds)));
    };
    static_assert(CredentialsCallback::fits_inline<decltype(serve_body)>);
    source_.get(*active, std::move(serve_body));
}

void ImdsHandler::info(const RoleRef& role, ReplyFn done) {
    source_.get(role, [done = std::move(done), role](Expected<CredentialsPtr> result) {
        if (!result) return done(Reply::from(json_error(result.error())));
        const CredentialsPtr& creds = *result;
        if (!creds) return done(Reply::error(WireError::Internal, "no credentials"));
        nlohmann::json info{{"Code", "Success"},
                            {"LastUpdated", format_utc(creds->credentials.issued_at)},
                            {"InstanceProfileArn", "arn:aws:iam::" + role.account_id +
                                                       ":instance-profile/" + role.role_name},
                            {"InstanceProfileId", instance_profile_id(role)}};
        done(Reply::owned(200, kText, info.dump(2)));
    });
}

}  // namespace ssocred::serve
