#include "sso/pkce.hpp"

#include "ssocred/crypto.hpp"

#include "sso/url.hpp"

namespace ssocred::sso {

Secret make_code_verifier() {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    constexpr unsigned kSize = sizeof(kAlphabet) - 1;  // 66
    constexpr unsigned kLimit = 256 - (256 % kSize);   // reject bytes >= 198 to stay unbiased
    std::string out;
    out.reserve(64);
    while (out.size() < 64) {
        std::string bytes = crypto::random_bytes(96);
        for (unsigned char b : bytes) {
            if (b < kLimit && out.size() < 64) out.push_back(kAlphabet[b % kSize]);
        }
        secure_wipe(bytes);
    }
    Secret s(std::move(out));
    return s;
}

std::string code_challenge_s256(const Secret& verifier) {
    std::string digest = crypto::sha256_raw(verifier.reveal());
    std::string out = crypto::base64url_encode(digest);
    while (!out.empty() && out.back() == '=') out.pop_back();
    return out;
}

std::string build_authorize_url(const std::string& oidc_origin, const std::string& client_id,
                                const std::string& redirect_uri, const std::string& state,
                                const std::vector<std::string>& scopes,
                                const std::string& challenge) {
    std::string joined;
    for (const auto& s : scopes) {
        if (!joined.empty()) joined.push_back(' ');
        joined += s;
    }
    return oidc_origin + "/authorize?" +
           encode_query({{"response_type", "code"},
                         {"client_id", client_id},
                         {"redirect_uri", redirect_uri},
                         {"state", state},
                         {"code_challenge_method", "S256"},
                         {"scopes", joined}}) +
           "&code_challenge=" + challenge;
}

}  // namespace ssocred::sso
