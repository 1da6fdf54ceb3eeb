#include "sso/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <string_view>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "ssocred/secret.hpp"

namespace ssocred::sso {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

Error transport_error(httplib::Error e, const BaseUrl& base,
                      std::chrono::steady_clock::duration elapsed,
                      std::chrono::seconds read_timeout) {
    const std::string where = base.host_for_url() + ":" + std::to_string(base.port);
    switch (e) {
        case httplib::Error::ConnectionTimeout:
            return Error::make(ErrorCode::Timeout, "timed out connecting to " + where);
        case httplib::Error::Read:
            // cpp-httplib reports a read timeout as a read error; the elapsed time tells them
            // apart.
            if (elapsed + std::chrono::milliseconds(500) >= read_timeout) {
                return Error::make(ErrorCode::Timeout, where + " did not answer in time");
            }
            return Error::make(ErrorCode::Network,
                               "the connection to " + where + " broke while reading");
        case httplib::Error::SSLServerVerification:
            return Error::make(ErrorCode::Network,
                               "the TLS certificate of " + where +
                                   " could not be verified (set AWS_CA_BUNDLE for a private CA)");
        case httplib::Error::SSLLoadingCerts:
            return Error::make(ErrorCode::Network,
                               "could not load the CA certificates (check AWS_CA_BUNDLE)");
        case httplib::Error::SSLConnection:
            return Error::make(ErrorCode::Network, "TLS handshake with " + where + " failed");
        case httplib::Error::Canceled:
            return Error::make(ErrorCode::BadResponse,
                               where + " sent a response larger than allowed");
        default:
            return Error::make(ErrorCode::Network,
                               "could not reach " + where + " (" + httplib::to_string(e) + ")");
    }
}

// Whole seconds in [1, 300]; anything else is rejected.
std::optional<std::chrono::seconds> parse_timeout_seconds(std::string_view text) {
    int value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || value < 1 || value > 300) return std::nullopt;
    return std::chrono::seconds(value);
}

// Overwrites the stack below the caller's frame, where cpp-httplib's receive loop kept its
// read buffer (CPPHTTPLIB_RECV_BUFSIZ on the stack) and the TLS layer its plaintext: a
// response body in clear would otherwise stay there until the stack is reused.
[[gnu::noinline]] void wipe_stack_below() {
    volatile unsigned char scratch[64 * 1024];
    secure_wipe(const_cast<unsigned char*>(scratch), sizeof scratch);
}

// Grows a body whose secrets must not be left behind to hold at least `want` bytes: into a
// fresh buffer, the old one wiped first (std::string's own growth would free it unwiped).
void grow_wiped(std::string& body, std::size_t want) {
    if (want <= body.capacity()) return;
    std::string bigger;
    bigger.reserve(want);
    bigger.append(body);
    secure_wipe(body);
    body.swap(bigger);
}

}  // namespace

HttpResponse::~HttpResponse() {
    secure_wipe(body);
}

HttpOptions HttpOptions::from_env() {
    HttpOptions o;
    if (const char* ca = std::getenv("AWS_CA_BUNDLE"); ca != nullptr && *ca != '\0') {  // NOLINT
        o.ca_bundle = ca;
    }
    // Test hook (documented in ssocredd --help): a short upstream timeout lets the fault tests
    // check "an answer slower than the timeout" in seconds, not the default 15 s.
    if (const char* t = std::getenv("SSOCRED_UPSTREAM_TIMEOUT"); t != nullptr) {  // NOLINT
        if (const auto seconds = parse_timeout_seconds(t)) {
            o.connect_timeout = *seconds;
            o.read_timeout = *seconds;
        } else {
            spdlog::warn("ignoring SSOCRED_UPSTREAM_TIMEOUT: expected whole seconds, 1 to 300");
        }
    }
    return o;
}

HttpClient::HttpClient(BaseUrl base, const Clock& clock, HttpOptions options)
    : base_(std::move(base)), clock_(clock), options_(std::move(options)) {}

Expected<HttpResponse> HttpClient::send(HttpRequest request) {
    struct Wipe {
        std::string& s;
        ~Wipe() { secure_wipe(s); }
    } wipe_body{request.body};

    httplib::Client client(base_.scheme_host_port());
    client.set_connection_timeout(options_.connect_timeout);
    client.set_read_timeout(options_.read_timeout);
    client.set_write_timeout(options_.read_timeout);
    client.set_keep_alive(false);
    client.set_follow_location(false);
    client.set_url_encode(false);  // targets are encoded by the callers, exactly
    client.set_decompress(true);
    if (base_.is_https()) {
        client.enable_server_certificate_verification(true);
        if (!options_.ca_bundle.empty()) client.set_ca_cert_path(options_.ca_bundle);
    }
    if (auto proxy = proxy_for(base_.scheme, base_.host, base_.port, options_.env)) {
        client.set_proxy(proxy->host, proxy->port);
        if (!proxy->username.empty()) client.set_proxy_basic_auth(proxy->username, proxy->password);
        spdlog::debug("upstream {} via proxy {}", base_.host, proxy->display());
    }

    httplib::Request req;
    req.method = request.method;
    req.path = base_.path_prefix + request.target;
    for (auto& [k, v] : request.headers) req.headers.emplace(k, v);
    req.headers.emplace("User-Agent", options_.user_agent);
    req.headers.emplace("Accept", "application/json");
    if (!request.content_type.empty()) req.headers.emplace("Content-Type", request.content_type);
    req.body = request.body;  // the copy is wiped below, with the original

    std::string body;
    bool too_big = false;
    const std::size_t cap = options_.max_body;
    body.reserve(std::min<std::size_t>(cap, 16 * 1024));  // a GetRoleCredentials answer fits
    req.content_receiver = [&](const char* data, std::size_t n, std::uint64_t,
                               std::uint64_t total) {
        if (body.size() + n > cap || total > cap) {
            too_big = true;
            return false;
        }
        // Content-Length known: one buffer of the right size from the start.
        grow_wiped(body, static_cast<std::size_t>(total));
        if (body.size() + n > body.capacity())
            grow_wiped(body, std::min(cap, std::max(body.size() + n, 2 * body.capacity())));
        body.append(data, n);
        return true;
    };

    const auto started = std::chrono::steady_clock::now();
    auto result = client.send(req);
    wipe_stack_below();
    secure_wipe(req.body);
    // The console sign-in carries the role's keys in the query (getSigninToken's Session).
    secure_wipe(req.path);
    secure_wipe(request.target);
    // The bearer token travels in a header (x-amz-sso_bearer_token).
    for (auto& [name, value] : req.headers) secure_wipe(value);
    for (auto& [name, value] : request.headers) secure_wipe(value);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    if (!result) {
        secure_wipe(body);
        if (too_big) {
            return Error::make(
                ErrorCode::BadResponse,
                base_.host + " sent a response larger than " + std::to_string(cap) + " bytes");
        }
        return transport_error(result.error(), base_, elapsed, options_.read_timeout);
    }
    HttpResponse out;
    out.status = result->status;
    for (const auto& [k, v] : result->headers) out.headers[lower(k)] = v;
    out.body = std::move(body);
    secure_wipe(result->body);
    if (const auto d = out.headers.find("date"); d != out.headers.end()) {
        out.date = parse_http_date(d->second);
        if (out.date) {
            out.skew = std::chrono::duration_cast<std::chrono::seconds>(*out.date - clock_.now());
        }
    }
    return out;
}

}  // namespace ssocred::sso
