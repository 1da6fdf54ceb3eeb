// A blocking HTTP(S) client for the two upstream services, over cpp-httplib.
//
// One connection per request: upstream calls are rare (renewals, logins) and a fresh client
// per call keeps the type trivially thread-safe. TLS is verified against the system store,
// or against AWS_CA_BUNDLE when set. Proxies come from the environment (proxy.hpp).
// The response body is capped (1 MiB by default); larger answers are BadResponse.
// Error messages name the host and what failed, never a header or body (they carry secrets).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ssocred/expected.hpp"
#include "ssocred/time.hpp"

#include "sso/proxy.hpp"
#include "sso/url.hpp"

namespace ssocred::sso {

struct HttpRequest {
    std::string method = "GET";
    std::string target;  // path and query below the base URL's prefix, starting with '/'
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;  // may hold secrets: wiped by the client after sending
    std::string content_type;
};

struct HttpResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  // names lower-cased; repeated headers: last wins
    std::string body;
    std::optional<SystemTime> date;  // parsed Date header
    // upstream time − local time when the response arrived (from Date), whole seconds.
    std::optional<std::chrono::seconds> skew;

    std::string header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string{} : it->second;
    }
    ~HttpResponse();  // wipes the body, which may hold tokens
    HttpResponse() = default;
    HttpResponse(HttpResponse&&) noexcept = default;
    HttpResponse& operator=(HttpResponse&&) noexcept = default;
    HttpResponse(const HttpResponse&) = default;
    HttpResponse& operator=(const HttpResponse&) = default;
};

// The seam the OIDC and portal clients talk through; tests substitute canned responses.
class HttpTransport {
  public:
    virtual ~HttpTransport() = default;
    virtual Expected<HttpResponse> send(HttpRequest request) = 0;
};

struct HttpOptions {
    std::chrono::seconds connect_timeout{5};
    std::chrono::seconds read_timeout{15};
    std::size_t max_body = 1 << 20;
    std::string ca_bundle;  // AWS_CA_BUNDLE; empty = system store
    std::string user_agent = "ssocred";
    ProxyEnv env;  // environment lookup for proxies (default getenv)

    static HttpOptions from_env();
};

class HttpClient final : public HttpTransport {
  public:
    HttpClient(BaseUrl base, const Clock& clock, HttpOptions options = HttpOptions::from_env());
    Expected<HttpResponse> send(HttpRequest request) override;
    const BaseUrl& base() const { return base_; }

  private:
    BaseUrl base_;
    const Clock& clock_;
    HttpOptions options_;
};

}  // namespace ssocred::sso
