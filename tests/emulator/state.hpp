// Everything the emulator remembers: settings, its clock, registrations, codes, tokens and
// issued role credentials. In memory only; one thread touches it (the io_context thread).
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ssocred/time.hpp"

#include "catalog.hpp"
#include "minter.hpp"

namespace emu {

using ssocred::SystemTime;

// Values that shape the emulator's answers; changeable at run time via /__admin/settings.
struct Settings {
    long long access_token_ttl = 3600;
    long long role_ttl = 3600;
    long long device_code_ttl = 600;
    long long auth_code_ttl = 300;
    long long device_interval = 1;
    long long registration_ttl = 90LL * 24 * 3600;  // the real service: ~90 days
    long long page_size = 0;                        // 0 = only the caller's max_result
    long long approve_after = 0;                    // -1 = only an admin/user approves
    // Seconds a rotated refresh token stays usable (OAuth "reuse interval", as some IdPs
    // offer); 0 = strict single use, which is what the emulator models by default.
    long long refresh_reuse_grace = 0;
    bool deny = false;  // the "user" refuses logins
};

// The emulator's own time: the real clock plus an offset tests can move, so they can
// create skew against the daemon and expire things without sleeping.
class EmulatorClock final : public ssocred::Clock {
  public:
    SystemTime now() const override { return std::chrono::system_clock::now() + offset_; }
    std::chrono::seconds offset() const { return offset_; }
    void set_offset(std::chrono::seconds s) { offset_ = s; }

  private:
    std::chrono::seconds offset_{0};
};

struct Client {
    std::string id;
    std::string secret;
    std::string name;
    std::vector<std::string> scopes;
    std::vector<std::string> redirect_uris;
    std::vector<std::string> grant_types;  // empty = a device-flow registration
    SystemTime issued_at;
    SystemTime expires_at;
};

struct DeviceCode {
    std::string device_code;
    std::string user_code;
    std::string client_id;
    SystemTime expires_at;
    std::optional<SystemTime> last_poll;
    long long pending_answers = 0;
    bool approved = false;
    bool used = false;
};

struct AuthCode {
    std::string code;
    std::string client_id;
    std::string redirect_uri;
    std::string code_challenge;
    SystemTime expires_at;
    bool used = false;
};

struct AccessToken {
    std::string token;
    std::string client_id;
    std::string grant;
    SystemTime issued_at;
    SystemTime expires_at;
    bool revoked = false;  // logged out or revoked by the admin API
};

struct RefreshToken {
    std::string token;
    std::string client_id;
    SystemTime issued_at;
    bool used = false;   // rotated away: each refresh token works once
    SystemTime used_at;  // when it was rotated away (for Settings::refresh_reuse_grace)
    bool revoked = false;
};

struct IssuedCredentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;
    std::string account_id;
    std::string role_name;
    std::string access_token;      // the bearer token it was issued to
    std::string assumed_role_arn;  // set when minted by STS AssumeRole (--sts-endpoint)
    SystemTime issued_at;
    SystemTime expiration;
};

// A console sign-in token from the federation endpoint's getSigninToken.
struct SigninToken {
    std::string token;
    std::string access_key_id;  // of the role credentials it was made from
    std::optional<long long> session_duration;
    SystemTime issued_at;
    SystemTime expires_at;  // the real endpoint's tokens are good for 15 minutes
};

// An opaque pagination cursor: nextToken values are random handles to these.
struct PageCursor {
    std::string account_id;  // the listing it continues: empty for ListAccounts
    std::size_t offset = 0;
};

class State {
  public:
    State(Catalog catalog, Settings settings, std::string base_url)
        : catalog_(std::move(catalog)), settings_(settings), base_url_(std::move(base_url)) {}

    const Catalog& catalog() const { return catalog_; }
    Settings& settings() { return settings_; }
    EmulatorClock& clock() { return clock_; }
    SystemTime now() const { return clock_.now(); }
    const std::string& base_url() const { return base_url_; }
    // Known only once the listener is bound (port 0 = ephemeral).
    void set_base_url(std::string url) { base_url_ = std::move(url); }

    Client& add_client(Client c);
    // The registration if id and secret match and it has not expired.
    const Client* find_client(const std::string& id, const std::string& secret) const;
    const Client* find_client(const std::string& id) const;

    DeviceCode& add_device_code(const std::string& client_id);
    DeviceCode* find_device_code(const std::string& device_code);
    // Approves pending codes (all, or the one with user_code); returns how many.
    int approve(const std::optional<std::string>& user_code);

    AuthCode& add_auth_code(AuthCode c);
    AuthCode* find_auth_code(const std::string& code);

    AccessToken& issue_access_token(const std::string& client_id, const std::string& grant);
    RefreshToken& issue_refresh_token(const std::string& client_id);
    RefreshToken* find_refresh_token(const std::string& token);
    // The token if it exists, is not revoked and has not expired (emulator time).
    AccessToken* live_access_token(const std::string& token);

    // Records credentials for `role`: `minted` ones (from the RoleMinter) or, without them,
    // freshly invented keys. The expiration is always emulator time + role_ttl.
    IssuedCredentials& issue_credentials(const std::string& account_id, const std::string& role,
                                         const std::string& access_token,
                                         const MintedKeys* minted = nullptr);

    // Where GetRoleCredentials gets keys from; nullptr (the default) = invent them.
    RoleMinter* minter() const { return minter_; }
    void set_minter(RoleMinter* minter) { minter_ = minter; }

    SigninToken& add_signin_token(const std::string& access_key_id,
                                  std::optional<long long> session_duration);
    const SigninToken* find_signin_token(const std::string& token) const;

    std::string add_cursor(PageCursor c);
    const PageCursor* find_cursor(const std::string& token) const;

    void revoke(bool refresh_tokens, bool access_tokens);
    void expire_access_tokens();
    void expire_device_codes();

    // Read-only views for the admin API.
    const std::map<std::string, Client>& clients() const { return clients_; }
    const std::deque<DeviceCode>& device_codes() const { return device_codes_; }
    const std::map<std::string, AuthCode>& auth_codes() const { return auth_codes_; }
    const std::deque<AccessToken>& access_tokens() const { return access_tokens_; }
    const std::deque<RefreshToken>& refresh_tokens() const { return refresh_tokens_; }
    const std::deque<IssuedCredentials>& issued() const { return issued_; }

  private:
    Catalog catalog_;
    Settings settings_;
    std::string base_url_;
    EmulatorClock clock_;
    std::map<std::string, Client> clients_;
    std::deque<DeviceCode> device_codes_;
    std::map<std::string, AuthCode> auth_codes_;
    // Deques keep issue order (reported by /__admin/issued) and keep references stable.
    std::deque<AccessToken> access_tokens_;
    std::deque<RefreshToken> refresh_tokens_;
    std::deque<IssuedCredentials> issued_;
    std::map<std::string, PageCursor> cursors_;
    std::deque<SigninToken> signin_tokens_;
    RoleMinter* minter_ = nullptr;  // not owned; outlives the State (main.cpp)
};

}  // namespace emu
