#include "serve/imds_tokens.hpp"

#include "ssocred/crypto.hpp"

namespace ssocred::serve {

std::string ImdsTokens::issue(Seconds ttl) {
    make_room();
    std::string token = crypto::random_base64url(9) + crypto::random_base64url(32);  // 12 + 43
    tokens_[token.substr(0, kKeyLength)] = Entry{token, clock_.now() + ttl};
    return token;
}

bool ImdsTokens::valid(std::string_view token) const {
    if (token.size() <= kKeyLength) return false;
    const auto it = tokens_.find(std::string(token.substr(0, kKeyLength)));
    if (it == tokens_.end()) return false;
    return crypto::constant_time_equals(it->second.token, token) &&
           clock_.now() < it->second.expires;
}

void ImdsTokens::make_room() {
    if (tokens_.size() < capacity_) return;
    const SystemTime now = clock_.now();
    std::erase_if(tokens_, [&](const auto& kv) { return kv.second.expires <= now; });
    while (!tokens_.empty() && tokens_.size() >= capacity_) {
        auto soonest = tokens_.begin();
        for (auto it = tokens_.begin(); it != tokens_.end(); ++it) {
            if (it->second.expires < soonest->second.expires) soonest = it;
        }
        tokens_.erase(soonest);
    }
}

}  // namespace ssocred::serve
