#include "sigv4.hpp"

#include <ctime>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "ssocred/crypto.hpp"

namespace emu {

namespace crypto = ssocred::crypto;

namespace {

std::string sha256_hex(std::string_view data) {
    return crypto::hex_encode(crypto::sha256_raw(data));
}

// "20150830T123600Z" and "20150830" (UTC), the two time forms SigV4 uses.
std::pair<std::string, std::string> amz_times(std::chrono::system_clock::time_point when) {
    const std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[17];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    return {std::string(stamp), std::string(stamp, 8)};
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
    return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

std::string sigv4_signature(std::string_view canonical_request, std::string_view amz_date,
                            std::string_view scope, std::string_view secret) {
    // scope = DATE/REGION/SERVICE/aws4_request
    std::vector<std::string_view> parts;
    std::size_t from = 0;
    while (from <= scope.size()) {
        const std::size_t slash = scope.find('/', from);
        const std::size_t end = slash == std::string_view::npos ? scope.size() : slash;
        parts.push_back(scope.substr(from, end - from));
        from = end + 1;
    }
    if (parts.size() != 4) return {};
    const std::string string_to_sign = "AWS4-HMAC-SHA256\n" + std::string(amz_date) + "\n" +
                                       std::string(scope) + "\n" + sha256_hex(canonical_request);
    std::string signing_key = hmac_sha256("AWS4" + std::string(secret), parts[0]);
    for (std::size_t i = 1; i < 4; ++i) signing_key = hmac_sha256(signing_key, parts[i]);
    return crypto::hex_encode(hmac_sha256(signing_key, string_to_sign));
}

std::vector<std::pair<std::string, std::string>> sigv4_headers(
    const SigV4Request& req, const AwsKey& key, std::string_view region, std::string_view service,
    std::chrono::system_clock::time_point when) {
    const auto [amz_date, date] = amz_times(when);

    // Canonical headers: lower-case names, sorted, trimmed values. The set is fixed, and
    // already in sorted order.
    std::string canonical_headers;
    std::string signed_headers;
    auto add = [&](std::string_view name, std::string_view value) {
        canonical_headers.append(name).append(":").append(value).append("\n");
        if (!signed_headers.empty()) signed_headers += ';';
        signed_headers.append(name);
    };
    add("content-type", req.content_type);
    add("host", req.host);
    add("x-amz-date", amz_date);
    if (!key.session_token.empty()) add("x-amz-security-token", key.session_token);

    const std::string canonical_request = req.method + "\n" + req.path + "\n" + "\n" +
                                          canonical_headers + "\n" + signed_headers + "\n" +
                                          sha256_hex(req.body);
    const std::string scope =
        date + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
    const std::string signature =
        sigv4_signature(canonical_request, amz_date, scope, key.secret_access_key);

    std::vector<std::pair<std::string, std::string>> out;
    out.emplace_back("X-Amz-Date", amz_date);
    if (!key.session_token.empty()) out.emplace_back("X-Amz-Security-Token", key.session_token);
    out.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + key.access_key_id + "/" +
                                          scope + ", SignedHeaders=" + signed_headers +
                                          ", Signature=" + signature);
    return out;
}

}  // namespace emu
