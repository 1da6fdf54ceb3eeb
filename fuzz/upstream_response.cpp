// Fuzz target: responses from the two upstream services (SSO OIDC and the SSO portal), as
// a man in the middle, a broken proxy or a hostile endpoint override could send them. The
// real HttpOidcClient / HttpPortalClient run against a transport that replays the input:
//
//   <operation>\n
//   <status>\n<header: value>\n...\n\n<body>      one response
//   \n~~~~\n<status>\n...                          the next one (pagination), and so on
//
// Operations: RegisterClient, StartDeviceAuthorization, CreateToken (device code),
// CreateTokenRefresh, CreateTokenAuthCode, GetRoleCredentials, ListAccounts,
// ListAccountRoles, Logout. A `date:` header sets the clock skew the way HttpClient does;
// non-2xx statuses go through upstream_error().
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "sso/oidc_client.hpp"
#include "sso/portal_client.hpp"
#include "sso/upstream_error.hpp"

using namespace ssocred;
using namespace ssocred::sso;

namespace {

const SystemTime kNow = *parse_utc("2026-11-23T09:00:00Z");

std::string_view next_line(std::string_view& rest) {
    const auto nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    return line;
}

// Decodes one response of the input format above (fuzzer plumbing, not HTTP parsing: the
// real client gets headers and body already split by cpp-httplib).
HttpResponse decode_response(std::string_view text) {
    HttpResponse r;
    const std::string_view status = next_line(text);
    int value = 0;
    for (char c : status.substr(0, 3)) {
        if (c < '0' || c > '9') break;
        value = value * 10 + (c - '0');
    }
    r.status = value;
    for (int i = 0; i < 32 && !text.empty(); ++i) {
        const std::string_view line = next_line(text);
        if (line.empty()) break;
        const auto colon = line.find(':');
        std::string name(line.substr(0, colon));
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string_view v =
            colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
        while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
        r.headers[name] = std::string(v);
    }
    r.body = std::string(text);
    // As HttpClient::send does with the Date header.
    if (const auto d = r.headers.find("date"); d != r.headers.end()) {
        r.date = parse_http_date(d->second);
        if (r.date) r.skew = std::chrono::duration_cast<std::chrono::seconds>(*r.date - kNow);
    }
    return r;
}

class ReplayTransport final : public HttpTransport {
  public:
    Expected<HttpResponse> send(HttpRequest) override {
        if (responses.empty()) return Error::make(ErrorCode::Network, "no more responses");
        HttpResponse r = std::move(responses.front());
        responses.pop_front();
        return r;
    }
    std::deque<HttpResponse> responses;
};

ClientRegistration client() {
    ClientRegistration c;
    c.client_id = "fuzz-client";
    c.client_secret = Secret(std::string("fuzz-client-secret"));
    return c;
}

void check_token(const Expected<TokenResponse>& t) {
    if (t && (t->access_token.empty() || t->expires_in.count() <= 0)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logs();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    const std::string op(next_line(rest));
    auto transport = std::make_shared<ReplayTransport>();
    constexpr std::string_view kSeparator = "\n~~~~\n";
    for (int i = 0; i < 64; ++i) {
        const auto sep = rest.find(kSeparator);
        transport->responses.push_back(decode_response(rest.substr(0, sep)));
        if (sep == std::string_view::npos) break;
        rest = rest.substr(sep + kSeparator.size());
    }

    const ManualClock clock(kNow);
    HttpOidcClient oidc(transport, *parse_base_url("https://oidc.eu-west-1.amazonaws.com"));
    HttpPortalClient portal(transport, clock);
    const Secret token(std::string("fuzz-access-token"));
    if (op == "RegisterClient") {
        RegisterClientRequest req;
        req.client_name = "ssocred";
        auto r = oidc.register_client(req);
        if (r && (r->client_id.empty() || r->client_secret.empty())) __builtin_trap();
    } else if (op == "StartDeviceAuthorization") {
        auto r =
            oidc.start_device_authorization(client(), "https://d-1234567890.awsapps.com/start");
        if (r && (r->device_code.empty() || r->interval.count() <= 0)) __builtin_trap();
    } else if (op == "CreateToken") {
        check_token(oidc.create_token_device(client(), Secret(std::string("device-code"))));
    } else if (op == "CreateTokenRefresh") {
        check_token(oidc.create_token_refresh(client(), Secret(std::string("refresh-token"))));
    } else if (op == "CreateTokenAuthCode") {
        check_token(oidc.create_token_auth_code(client(), Secret(std::string("code")),
                                                "http://127.0.0.1:1/oauth/callback",
                                                Secret(std::string("verifier"))));
    } else if (op == "GetRoleCredentials") {
        auto r = portal.get_role_credentials(token, "111111111111", "Dev");
        if (r && (r->access_key_id.empty() || r->secret_access_key.empty())) __builtin_trap();
    } else if (op == "ListAccounts") {
        (void)portal.list_accounts(token);
    } else if (op == "ListAccountRoles") {
        (void)portal.list_account_roles(token, "111111111111");
    } else if (op == "Logout") {
        (void)portal.logout(token);
    } else {
        // Any other first line: the error mapping alone, for each response.
        for (const auto& r : transport->responses) {
            (void)upstream_error(r, Upstream::Oidc, "CreateToken");
            (void)upstream_error(r, Upstream::Portal, "GetRoleCredentials");
        }
    }
    return 0;
}
