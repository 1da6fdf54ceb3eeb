#include "serve/imds_tokens.hpp"

#include "ssocred/crypto.hpp"
#include "ssocred/secret.hpp"

namespace ssocred::serve {

namespace {

constexpr std::size_t kRandomBlock = 4096;
constexpr std::size_t kKeyBytes = 9;
constexpr std::size_t kSecretBytes = 32;

// base64url without padding (RFC 4648 §5), as crypto::base64url_encode, written in place.
char* base64url(std::string_view bytes, char* out) noexcept {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const auto byte = [&](std::size_t i) -> unsigned {
        return static_cast<unsigned char>(bytes[i]);
    };
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        *out++ = kAlphabet[(v >> 18) & 63];
        *out++ = kAlphabet[(v >> 12) & 63];
        *out++ = kAlphabet[(v >> 6) & 63];
        *out++ = kAlphabet[v & 63];
    }
    if (const std::size_t rest = bytes.size() - i; rest != 0) {
        const unsigned v = (byte(i) << 16) | (rest == 2 ? byte(i + 1) << 8 : 0u);
        *out++ = kAlphabet[(v >> 18) & 63];
        *out++ = kAlphabet[(v >> 12) & 63];
        if (rest == 2) *out++ = kAlphabet[(v >> 6) & 63];
    }
    return out;
}

static_assert((kKeyBytes * 4 + 2) / 3 == ImdsTokens::kKeyLength);
static_assert((kSecretBytes * 4 + 2) / 3 == ImdsTokens::kSecretLength);

}  // namespace

ImdsTokens::~ImdsTokens() {
    secure_wipe(random_);
    for (auto& [key, entry] : tokens_) secure_wipe(entry.token.data(), entry.token.size());
}

char* ImdsTokens::take_random(std::size_t n) {
    if (random_.size() - random_used_ < n) {
        secure_wipe(random_);
        random_ = crypto::random_bytes(kRandomBlock);
        random_used_ = 0;
    }
    char* out = random_.data() + random_used_;
    random_used_ += n;
    return out;
}

std::string ImdsTokens::issue(Seconds ttl) {
    make_room();
    std::string token(kTokenLength, '\0');
    char* random = take_random(kKeyBytes + kSecretBytes);
    const std::string_view bytes(random, kKeyBytes + kSecretBytes);
    char* end = base64url(bytes.substr(0, kKeyBytes), token.data());
    base64url(bytes.substr(kKeyBytes), end);
    secure_wipe(random, bytes.size());
    std::string key = token.substr(0, kKeyLength);
    const SystemTime expires = clock_.now() + ttl;
    if (auto old = tokens_.find(key); old != tokens_.end()) erase(old->second.by_expiry);
    const auto at = by_expiry_.emplace(expires, key);
    Entry entry{{}, expires, at};
    std::copy(token.begin(), token.end(), entry.token.begin());
    tokens_.emplace(std::move(key), entry);
    secure_wipe(entry.token.data(), entry.token.size());
    return token;
}

bool ImdsTokens::valid(std::string_view token) const {
    if (token.size() <= kKeyLength) return false;
    const auto it = tokens_.find(std::string(token.substr(0, kKeyLength)));
    if (it == tokens_.end()) return false;
    const std::string_view known(it->second.token.data(), it->second.token.size());
    return crypto::constant_time_equals(known, token) && clock_.now() < it->second.expires;
}

void ImdsTokens::erase(ExpiryIndex::iterator it) {
    if (const auto entry = tokens_.find(it->second); entry != tokens_.end()) {
        secure_wipe(entry->second.token.data(), entry->second.token.size());
        tokens_.erase(entry);
    }
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
