#include "sts/sigv4_signer.hpp"

#include <algorithm>
#include <ctime>
#include <map>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "ssocred/crypto.hpp"

#include "sso/url.hpp"

namespace ssocred::sts {
namespace {

std::string sigv4_sha256_hex(std::string_view data) {
    return crypto::hex_encode(crypto::sha256_raw(data));
}

std::string sigv4_hmac(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
    std::string result(reinterpret_cast<const char*>(out), len);
    secure_wipe(out, sizeof out);
    return result;
}

std::string lower_ascii(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// SigV4 header values: leading/trailing spaces trimmed, inner runs of spaces collapsed.
std::string trim_header_value(std::string_view v) {
    std::string out;
    bool space = false;
    for (const char c : v) {
        if (c == ' ' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(c);
    }
    return out;
}

// Lower-cased name -> canonical value; repeated names are joined with ',' in order.
std::map<std::string, std::string> signed_header_map(const SigningRequest& request,
                                                     const std::string& date,
                                                     const Secret& session_token) {
    std::map<std::string, std::string> headers;
    auto add = [&](const std::string& name, std::string_view value) {
        auto [it, inserted] = headers.try_emplace(lower_ascii(name), trim_header_value(value));
        if (!inserted) it->second += "," + trim_header_value(value);
    };
    for (const auto& [name, value] : request.headers) add(name, value);
    add("host", request.host);
    add("x-amz-date", date);
    if (!session_token.empty()) add("x-amz-security-token", session_token.reveal());
    return headers;
}

std::string signed_header_names(const std::map<std::string, std::string>& headers) {
    std::string names;
    for (const auto& [name, value] : headers) {
        if (!names.empty()) names += ';';
        names += name;
    }
    return names;
}

// The map holds the session token among its values.
void wipe_values(std::map<std::string, std::string>& headers) {
    for (auto& [name, value] : headers) secure_wipe(value);
}

}  // namespace

std::string amz_date(SystemTime t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char stamp[17];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    return stamp;
}

std::string canonical_request(const SigningRequest& request, const std::string& date,
                              const Secret& session_token) {
    std::vector<std::pair<std::string, std::string>> query;
    query.reserve(request.query.size());
    for (const auto& [k, v] : request.query)
        query.emplace_back(percent_encode(k), percent_encode(v));
    std::sort(query.begin(), query.end());
    std::string canonical_query;
    for (const auto& [k, v] : query) {
        if (!canonical_query.empty()) canonical_query += '&';
        canonical_query += k + "=" + v;
    }

    auto headers = signed_header_map(request, date, session_token);
    std::string out = request.method + "\n" + (request.path.empty() ? "/" : request.path) + "\n" +
                      canonical_query + "\n";
    for (const auto& [name, value] : headers) out += name + ":" + value + "\n";
    out += "\n" + signed_header_names(headers) + "\n" + sigv4_sha256_hex(request.body);
    wipe_values(headers);
    return out;
}

HeaderList sign_v4(const SigningRequest& request, const SigningCredentials& credentials,
                   const SigningScope& scope) {
    const std::string date_time = amz_date(scope.when);
    const std::string date = date_time.substr(0, 8);
    const std::string credential_scope =
        date + "/" + scope.region + "/" + scope.service + "/aws4_request";

    std::string creq = canonical_request(request, date_time, credentials.session_token);
    const std::string string_to_sign =
        "AWS4-HMAC-SHA256\n" + date_time + "\n" + credential_scope + "\n" + sigv4_sha256_hex(creq);
    secure_wipe(creq);  // it holds the session token

    // The derived key is as good as the secret for a day: wipe every step.
    std::string seed = "AWS4" + credentials.secret_access_key.reveal();
    std::string key = sigv4_hmac(seed, date);
    secure_wipe(seed);
    for (const std::string* part : {&scope.region, &scope.service}) {
        std::string next = sigv4_hmac(key, *part);
        secure_wipe(key);
        key = std::move(next);
    }
    std::string signing_key = sigv4_hmac(key, "aws4_request");
    secure_wipe(key);
    const std::string signature = crypto::hex_encode(sigv4_hmac(signing_key, string_to_sign));
    secure_wipe(signing_key);

    auto headers = signed_header_map(request, date_time, credentials.session_token);
    const std::string names = signed_header_names(headers);
    wipe_values(headers);
    HeaderList out;
    out.emplace_back("X-Amz-Date", date_time);
    if (!credentials.session_token.empty())
        out.emplace_back("X-Amz-Security-Token", credentials.session_token.reveal());
    out.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id +
                                          "/" + credential_scope + ", SignedHeaders=" + names +
                                          ", Signature=" + signature);
    return out;
}

}  // namespace ssocred::sts
