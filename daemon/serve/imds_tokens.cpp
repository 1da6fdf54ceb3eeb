#include "serve/imds_tokens.hpp"

#include "ssocred/crypto.hpp"

namespace ssocred::serve {

std::string ImdsTokens::issue(Seconds ttl) {
    make_room();
    std::string token = crypto::random_base64url(9) + crypto::random_base64url(32);  // 12 + 43
    std::string key = token.substr(0, kKeyLength);
    const SystemTime expires = clock_.now() + ttl;
    if (auto old = tokens_.find(key); old != tokens_.end()) erase(old->second.by_expiry);
    const auto at = by_expiry_.emplace(expires, key);
    tokens_.emplace(std::move(key), Entry{token, expires, at});
    return token;
}

bool ImdsTokens::valid(std::string_view token) const {
    if (token.size() <= kKeyLength) return false;
    const auto it = tokens_.find(std::string(token.substr(0, kKeyLength)));
    if (it == tokens_.end()) return false;
    return crypto::constant_time_equals(it->second.token, token) &&
           clock_.now() < it->second.expires;
}

void ImdsTokens::erase(ExpiryIndex::iterator it) {
    tokens_.erase(it->second);
    by_expiry_.erase(it);
}

void ImdsTokens::make_room() {
    if (tokens_.size() < capacity_) return;
    const SystemTime now = clock_.now();
    // Expired first, then the soonest to expire: both are at the front of the index.
    while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) erase(by_expiry_.begin());
    while (!by_expiry_.empty() && tokens_.size() >= capacity_) erase(by_expiry_.begin());
}

}  // namespace ssocred::serve
