// Inputs the upstream_response fuzz target found (fuzz/regressions/upstream_response/), fed
// through the same clients: a transport replays the status, headers and body of the file
// (format in fuzz/upstream_response.cpp: operation line, status line, headers, blank, body).
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "sso/oidc_client.hpp"
#include "sso/portal_client.hpp"

namespace ssocred::sso {
namespace {

std::string reproducer(const std::string& name) {
    const auto path = std::filesystem::path(SSOCRED_SOURCE_DIR) / "fuzz" / "regressions" /
                      "upstream_response" / name;
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    EXPECT_FALSE(s.str().empty()) << "missing reproducer " << path;
    return s.str();
}

// One response: "<operation>\n<status>\n[name: value\n]...\n<body>".
class ReproducerTransport final : public HttpTransport {
  public:
    explicit ReproducerTransport(const std::string& text) {
        std::istringstream in(text);
        std::string line;
        std::getline(in, operation);
        std::getline(in, line);
        response.status = std::stoi(line);
        while (std::getline(in, line) && !line.empty()) {
            const auto colon = line.find(':');
            std::string name = line.substr(0, colon);
            for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            response.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
        }
        std::stringstream rest;
        rest << in.rdbuf();
        response.body = rest.str();
        if (auto d = response.headers.find("date"); d != response.headers.end()) {
            response.date = parse_http_date(d->second);
            if (response.date)
                response.skew = std::chrono::duration_cast<std::chrono::seconds>(
                    *response.date - *parse_utc("2026-11-23T09:00:00Z"));
        }
    }
    Expected<HttpResponse> send(HttpRequest) override { return response; }
    std::string operation;
    HttpResponse response;
};

// clientSecretExpiresAt and roleCredentials.expiration in year 9999 passed the range check
// and overflowed SystemTime (int64 nanoseconds end in 2262) on conversion: UB. They are
// now BadResponse, like any other impossible value.
TEST(FuzzRegressions, RegistrationExpiringBeyondSystemTimeIsBadResponse) {
    auto t = std::make_shared<ReproducerTransport>(reproducer("client_secret_expires_year_9999"));
    ASSERT_EQ(t->operation, "RegisterClient");
    HttpOidcClient oidc(t, *parse_base_url("http://127.0.0.1:9"));
    auto r = oidc.register_client(RegisterClientRequest{});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::BadResponse);
}

TEST(FuzzRegressions, RoleCredentialsExpiringBeyondSystemTimeAreBadResponse) {
    auto t = std::make_shared<ReproducerTransport>(reproducer("role_credentials_expire_year_9999"));
    ASSERT_EQ(t->operation, "GetRoleCredentials");
    const ManualClock clock(*parse_utc("2026-11-23T09:00:00Z"));
    HttpPortalClient portal(t, clock);
    auto r = portal.get_role_credentials(Secret(std::string("at")), "111111111111", "Dev");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::BadResponse);
}

}  // namespace
}  // namespace ssocred::sso
