#include "store/session_codec.hpp"

#include "ssocred/crypto.hpp"

#include "store/json_wipe.hpp"
#include "store/state_cipher.hpp"

namespace ssocred {
namespace {

using nlohmann::json;

std::string aad_for(const std::string& session) {
    return "ssocred-session-v1\n" + session;
}

SystemTime required_time_member(const json& j, const char* name) {
    const auto t = parse_utc(j.at(name).get<std::string>());
    if (!t) throw std::invalid_argument(std::string("bad timestamp in ") + name);
    return *t;
}

}  // namespace

Expected<std::string> encode_session_state(const TokenState& state, const Secret& key) {
    try {
        WipedJson secrets(json::object());
        (*secrets)["accessToken"] = state.access_token.reveal();
        (*secrets)["refreshToken"] = state.refresh_token.reveal();
        if (state.registration)
            (*secrets)["clientSecret"] = state.registration->client_secret.reveal();
        WipedString plain(secrets->dump());
        auto sealed = state_cipher::seal(key, *plain, aad_for(state.session));
        if (!sealed) return std::move(sealed).error();

        json j = {
            {"version", kSessionStateVersion},
            {"session", state.session},
            {"startUrl", state.start_url},
            {"region", state.region},
            {"accessTokenExpiresAt", format_utc(state.access_token_expires_at)},
            {"issuedAt", format_utc(state.issued_at)},
            {"loginRequired", state.login_required},
            {"sealed", crypto::hex_encode(*sealed)},
        };
        if (state.session_started_at) j["sessionStartedAt"] = format_utc(*state.session_started_at);
        if (state.learned_session_length)
            j["learnedSessionLengthSeconds"] = state.learned_session_length->count();
        if (state.registration) {
            const auto& r = *state.registration;
            j["registration"] = {{"clientId", r.client_id},
                                 {"expiresAt", format_utc(r.expires_at)},
                                 {"grantTypes", r.grant_types},
                                 {"scopes", r.scopes}};
        }
        return j.dump(2) + "\n";
    } catch (const json::exception&) {
        // dump() throws on invalid UTF-8 in a name; the message names the byte, not a secret,
        // but keep it generic anyway.
        return Error::make(ErrorCode::Invalid, "cannot serialise session state (invalid UTF-8?)");
    }
}

Expected<TokenState> decode_session_state(json& j, const Secret& key) {
    WipedJson owner(std::move(j));
    json& doc = *owner;
    try {
        TokenState s;
        s.session = doc.at("session").get<std::string>();
        s.start_url = doc.value("startUrl", std::string());
        s.region = doc.value("region", std::string());
        s.access_token_expires_at = required_time_member(doc, "accessTokenExpiresAt");
        s.issued_at = required_time_member(doc, "issuedAt");
        s.login_required = doc.value("loginRequired", false);
        // Absent in files written before the session's end was tracked: unknown.
        if (doc.contains("sessionStartedAt"))
            s.session_started_at = required_time_member(doc, "sessionStartedAt");
        if (const auto it = doc.find("learnedSessionLengthSeconds");
            it != doc.end() && it->get<long long>() > 0)
            s.learned_session_length = std::chrono::seconds(it->get<long long>());

        auto blob = crypto::hex_decode(doc.at("sealed").get<std::string>());
        if (!blob) return Error::make(ErrorCode::Invalid, "sealed member is not hex");
        auto plain = state_cipher::open(key, *blob, aad_for(s.session));
        if (!plain) return std::move(plain).error();
        WipedJson secrets(json::parse(plain->reveal()));
        s.access_token = Secret(secrets->at("accessToken").get<std::string>());
        s.refresh_token = Secret(secrets->value("refreshToken", std::string()));

        if (const auto it = doc.find("registration"); it != doc.end() && !it->is_null()) {
            ClientRegistration r;
            r.client_id = it->at("clientId").get<std::string>();
            r.expires_at = required_time_member(*it, "expiresAt");
            r.grant_types = it->value("grantTypes", std::vector<std::string>());
            r.scopes = it->value("scopes", std::vector<std::string>());
            r.client_secret = Secret(secrets->value("clientSecret", std::string()));
            s.registration = std::move(r);
        }
        return s;
    } catch (const json::parse_error& e) {
        // A parse error's what() quotes the bytes it last read, which may be a secret:
        // report the position only.
        return Error::make(ErrorCode::Invalid,
                           "malformed sealed session data at byte " + std::to_string(e.byte));
    } catch (const std::exception& e) {
        // Other nlohmann messages name the member and type ("key 'x' not found", "type must be
        // string"), never the value, so they are safe to show.
        return Error::make(ErrorCode::Invalid, std::string("malformed session state: ") + e.what());
    }
}

}  // namespace ssocred
