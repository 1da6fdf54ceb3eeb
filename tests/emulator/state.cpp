#include "state.hpp"

#include <algorithm>

#include "ssocred/crypto.hpp"

namespace emu {

namespace crypto = ssocred::crypto;

namespace {

// Uppercase letters and digits, as in real access key ids ("ASIA" + 16).
std::string random_from(std::string_view alphabet, std::size_t n) {
    std::string raw = crypto::random_bytes(n);
    std::string out;
    out.reserve(n);
    for (unsigned char c : raw) out.push_back(alphabet[c % alphabet.size()]);
    return out;
}

}  // namespace

Client& State::add_client(Client c) {
    std::string id = c.id;
    return clients_.insert_or_assign(id, std::move(c)).first->second;
}

const Client* State::find_client(const std::string& id) const {
    auto it = clients_.find(id);
    return it == clients_.end() ? nullptr : &it->second;
}

const Client* State::find_client(const std::string& id, const std::string& secret) const {
    const Client* c = find_client(id);
    if (!c || !crypto::constant_time_equals(c->secret, secret) || c->expires_at <= now()) {
        return nullptr;
    }
    return c;
}

DeviceCode& State::add_device_code(const std::string& client_id) {
    // Consonants only, like the real service, so no word is spelled by accident.
    static constexpr std::string_view kUserCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ";
    DeviceCode d;
    d.device_code = crypto::random_base64url(48);
    d.user_code = random_from(kUserCodeAlphabet, 4) + "-" + random_from(kUserCodeAlphabet, 4);
    d.client_id = client_id;
    d.expires_at = now() + std::chrono::seconds(settings_.device_code_ttl);
    device_codes_.push_back(std::move(d));
    return device_codes_.back();
}

DeviceCode* State::find_device_code(const std::string& device_code) {
    for (auto& d : device_codes_) {
        if (d.device_code == device_code) return &d;
    }
    return nullptr;
}

int State::approve(const std::optional<std::string>& user_code) {
    int n = 0;
    for (auto& d : device_codes_) {
        if (d.used || d.approved || d.expires_at <= now()) continue;
        if (user_code && d.user_code != *user_code) continue;
        d.approved = true;
        ++n;
    }
    return n;
}

AuthCode& State::add_auth_code(AuthCode c) {
    std::string code = c.code;
    return auth_codes_.insert_or_assign(code, std::move(c)).first->second;
}

AuthCode* State::find_auth_code(const std::string& code) {
    auto it = auth_codes_.find(code);
    return it == auth_codes_.end() ? nullptr : &it->second;
}

AccessToken& State::issue_access_token(const std::string& client_id, const std::string& grant) {
    AccessToken t;
    // "aoa" is the prefix real Identity Center access tokens carry.
    t.token = "aoa" + crypto::random_base64url(96);
    t.client_id = client_id;
    t.grant = grant;
    t.issued_at = now();
    t.expires_at = t.issued_at + std::chrono::seconds(settings_.access_token_ttl);
    access_tokens_.push_back(std::move(t));
    return access_tokens_.back();
}

RefreshToken& State::issue_refresh_token(const std::string& client_id) {
    RefreshToken t;
    t.token = "aor" + crypto::random_base64url(96);
    t.client_id = client_id;
    t.issued_at = now();
    refresh_tokens_.push_back(std::move(t));
    return refresh_tokens_.back();
}

RefreshToken* State::find_refresh_token(const std::string& token) {
    for (auto& t : refresh_tokens_) {
        if (t.token == token) return &t;
    }
    return nullptr;
}

AccessToken* State::live_access_token(const std::string& token) {
    if (token.empty()) return nullptr;
    for (auto& t : access_tokens_) {
        if (t.token == token) return (t.revoked || t.expires_at <= now()) ? nullptr : &t;
    }
    return nullptr;
}

IssuedCredentials& State::issue_credentials(const std::string& account_id, const std::string& role,
                                            const std::string& access_token,
                                            const MintedKeys* minted) {
    static constexpr std::string_view kUpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    static constexpr std::string_view kSecretAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    IssuedCredentials c;
    if (minted) {
        c.access_key_id = minted->access_key_id;
        c.secret_access_key = minted->secret_access_key;
        c.session_token = minted->session_token;
        c.assumed_role_arn = minted->assumed_role_arn;
    } else {
        c.access_key_id = "ASIA" + random_from(kUpperAlnum, 16);
        c.secret_access_key = random_from(kSecretAlphabet, 40);
        c.session_token = "IQoJb3JpZ2luX2VtdWxhdG9y" + crypto::random_base64url(240);
    }
    c.account_id = account_id;
    c.role_name = role;
    c.access_token = access_token;
    c.issued_at = now();
    c.expiration = c.issued_at + std::chrono::seconds(settings_.role_ttl);
    issued_.push_back(std::move(c));
    return issued_.back();
}

SigninToken& State::add_signin_token(const std::string& access_key_id,
                                     std::optional<long long> session_duration) {
    SigninToken t;
    t.token = crypto::random_base64url(96);
    t.access_key_id = access_key_id;
    t.session_duration = session_duration;
    t.issued_at = now();
    t.expires_at = t.issued_at + std::chrono::minutes(15);
    signin_tokens_.push_back(std::move(t));
    return signin_tokens_.back();
}

const SigninToken* State::find_signin_token(const std::string& token) const {
    for (const auto& t : signin_tokens_) {
        if (crypto::constant_time_equals(t.token, token)) return &t;
    }
    return nullptr;
}

std::string State::add_cursor(PageCursor c) {
    std::string token = crypto::random_base64url(32);
    cursors_.emplace(token, std::move(c));
    return token;
}

const PageCursor* State::find_cursor(const std::string& token) const {
    auto it = cursors_.find(token);
    return it == cursors_.end() ? nullptr : &it->second;
}

void State::revoke(bool refresh_tokens, bool access_tokens) {
    if (refresh_tokens) {
        for (auto& t : refresh_tokens_) t.revoked = true;
    }
    if (access_tokens) {
        for (auto& t : access_tokens_) t.revoked = true;
    }
}

void State::expire_access_tokens() {
    const auto t = now();
    for (auto& a : access_tokens_) a.expires_at = std::min(a.expires_at, t);
}

void State::expire_device_codes() {
    const auto t = now();
    for (auto& d : device_codes_) d.expires_at = std::min(d.expires_at, t);
    for (auto& [code, a] : auth_codes_) a.expires_at = std::min(a.expires_at, t);
}

}  // namespace emu
