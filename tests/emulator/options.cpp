#include "options.hpp"

#include <charconv>

namespace emu {

using ssocred::Error;
using ssocred::ErrorCode;

namespace {

ssocred::Expected<long long> parse_int(const std::string& flag, const std::string& text) {
    long long v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        return Error::make(ErrorCode::Invalid, flag + ": not an integer: " + text);
    }
    return v;
}

}  // namespace

ssocred::Expected<Options> parse_options(const std::vector<std::string>& args) {
    Options o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string flag = args[i];
        std::optional<std::string> inline_value;
        if (auto eq = flag.find('='); flag.starts_with("--") && eq != std::string::npos) {
            inline_value = flag.substr(eq + 1);
            flag = flag.substr(0, eq);
        }
        auto value = [&]() -> ssocred::Expected<std::string> {
            if (inline_value) return *inline_value;
            if (i + 1 >= args.size())
                return Error::make(ErrorCode::Invalid, flag + " needs a value");
            return args[++i];
        };
        auto int_value = [&](std::optional<long long>& out, long long min) -> ssocred::Status {
            auto v = value();
            if (!v) return std::move(v).error();
            auto n = parse_int(flag, *v);
            if (!n) return std::move(n).error();
            if (*n < min) {
                return Error::make(ErrorCode::Invalid,
                                   flag + " must be at least " + std::to_string(min));
            }
            out = *n;
            return ssocred::ok();
        };
        ssocred::Status st = ssocred::ok();
        if (flag == "--help" || flag == "-h") {
            o.help = true;
        } else if (flag == "--version") {
            o.version = true;
        } else if (flag == "--allow-remote") {
            o.allow_remote = true;
        } else if (flag == "--listen" || flag == "--config" || flag == "--tls-cert" ||
                   flag == "--tls-key" || flag == "--sts-endpoint" || flag == "--sts-region") {
            auto v = value();
            if (!v) return std::move(v).error();
            if (flag == "--sts-endpoint") o.sts_endpoint = *v;
            if (flag == "--sts-region") o.sts_region = *v;
            if (flag == "--listen") o.listen = *v;
            if (flag == "--config") o.config_file = *v;
            if (flag == "--tls-cert") o.tls_cert = *v;
            if (flag == "--tls-key") o.tls_key = *v;
        } else if (flag == "--access-token-ttl") {
            st = int_value(o.access_token_ttl, 1);
        } else if (flag == "--role-ttl") {
            st = int_value(o.role_ttl, 1);
        } else if (flag == "--approve-after") {
            st = int_value(o.approve_after, -1);
        } else if (flag == "--page-size") {
            st = int_value(o.page_size, 0);
        } else if (flag == "--device-interval") {
            st = int_value(o.device_interval, 0);
        } else {
            return Error::make(ErrorCode::Invalid,
                               "unknown argument: " + args[i] + " (see --help)");
        }
        if (!st) return std::move(st).error();
    }
    if (o.tls_cert.has_value() != o.tls_key.has_value()) {
        return Error::make(ErrorCode::Invalid, "--tls-cert and --tls-key go together");
    }
    if (o.sts_region && !o.sts_endpoint) {
        return Error::make(ErrorCode::Invalid, "--sts-region needs --sts-endpoint");
    }
    return o;
}

std::string usage_text() {
    return R"(ssocred-emulator - a local stand-in for AWS SSO OIDC and the SSO portal.

THIS IS A TEST AND DEMO TOOL. It is not AWS, grants no real access, keeps everything in
memory, and its admin API (/__admin/...) hands out every issued secret (access tokens,
refresh tokens, role credentials) to anyone who can reach the port. It listens on loopback
only unless --allow-remote is given.

Both services share one port: point AWS_ENDPOINT_URL_SSO_OIDC and AWS_ENDPOINT_URL_SSO at
the printed URL. The first line on stdout is "listening on http://ADDR:PORT" (https with TLS).

Usage: ssocred-emulator [flags]

  --listen ADDR:PORT       address to listen on (default 127.0.0.1:0; port 0 = ephemeral;
                           IPv6 as [::1]:PORT)
  --allow-remote           permit a non-loopback --listen address
  --config FILE            accounts, roles and lifetimes as JSON (schema: docs/emulator.md);
                           default: 3 accounts (111111111111, 222222222222, 333333333333)
                           with several roles each
  --access-token-ttl S     lifetime of access tokens, seconds (default 3600)
  --role-ttl S             lifetime of role credentials, seconds (default 3600)
  --approve-after N        device-code polls answered AuthorizationPending before the code is
                           approved: 0 = the first poll succeeds, -1 = only the admin call
                           POST /__admin/approve (or opening verificationUriComplete)
                           approves (default 0)
  --device-interval S      polling interval announced by StartDeviceAuthorization; polls
                           closer together get SlowDownException (default 1; 0 = no limit)
  --page-size N            page size for ListAccounts/ListAccountRoles when it is smaller
                           than the caller's max_result (default 0 = no limit)
  --tls-cert FILE          serve HTTPS with this PEM certificate (chain)
  --tls-key FILE           ... and this PEM private key
  --sts-endpoint URL       mint every role credential by calling STS AssumeRole at URL
                           (http(s)://HOST:PORT, e.g. a local moto_server) for
                           arn:aws:iam::ACCOUNT:role/ROLE, session name "ssocred-emulator",
                           DurationSeconds = role ttl; the answer's keys are returned and
                           recorded in /__admin/issued (with assumed_role_arn); the
                           expiration returned stays emulator time + role ttl. The request
                           is SigV4-signed with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
                           (and AWS_SESSION_TOKEN if set) from the environment. A failed
                           AssumeRole makes GetRoleCredentials answer 500.
  --sts-region REGION      region of that signature (default us-east-1)
  --help                   this text
  --version                print the version

Admin API (JSON, never counted as service calls, never faulted):
  GET  /__admin/counters          calls per operation and per CreateToken grant
  POST /__admin/counters/reset
  POST /__admin/approve           {"user_code":"ABCD-EFGH"} or {} for every pending code
  POST /__admin/deny              {"deny":true|false}: users refuse device and PKCE logins
  POST /__admin/revoke            {"refresh_tokens":true,"access_tokens":true}
  POST /__admin/clock             {"shift_seconds":N} (cumulative) or {"offset_seconds":N}
  GET  /__admin/clock
  POST /__admin/expire            expire every access token now
  POST /__admin/settings          change ttls, approve_after, device_interval, page_size
  POST /__admin/fault             {"operation":"GetRoleCredentials"|"*","kind":K,"count":N,
                                   "delay_ms":M}; K = status500, status429, delay, reset,
                                   malformed_json, truncated, wrong_content_type
  DELETE /__admin/faults
  GET  /__admin/issued            every issued token and role credential, WITH SECRETS
  GET  /__admin/state             counts of live registrations, codes and tokens
Exits cleanly on SIGTERM and SIGINT.
)";
}

}  // namespace emu
