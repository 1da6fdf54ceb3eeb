#include "store/session_codec.hpp"

#include "ssocred/crypto.hpp"
#include "ssocred/json_fields.hpp"

#include "store/json_wipe.hpp"
#include "store/state_cipher.hpp"

namespace ssocred {
namespace {

using nlohmann::json;

std::string aad_for(const std::string& session) {
    return "ssocred-session-v1\n" + session;
}

// Member readers are ssocred/json_fields.hpp's; these turn an unusable member into the
// Invalid error decode_session_state promises. The message names the member, never its value.
Error malformed(std::string_view name) {
    return Error::make(ErrorCode::Invalid, "malformed session state: missing or mistyped \"" +
                                               std::string(name) + "\"");
}

Expected<std::string> required_string(const json& j, std::string_view name) {
    auto s = jf::string_member(j, name);
    if (!s) return malformed(name);
    return std::move(*s);
}

Expected<SystemTime> required_time(const json& j, std::string_view name) {
    auto text = jf::string_member(j, name);
    if (!text) return malformed(name);
    const auto t = parse_utc(*text);
    if (!t) return Error::make(ErrorCode::Invalid, "bad timestamp in " + std::string(name));
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
    TokenState s;
    auto session = required_string(doc, "session");
    if (!session) return std::move(session).error();
    s.session = std::move(*session);
    // Optional members of a file ssocred wrote: absent reads as the default, a wrong type as
    // a corrupt file (fail closed), as before they were read through json_fields.hpp.
    auto start_url = jf::string_member_or(doc, "startUrl");
    auto region = jf::string_member_or(doc, "region");
    const auto login_required = jf::bool_member_or(doc, "loginRequired", false);
    if (!start_url) return malformed("startUrl");
    if (!region) return malformed("region");
    if (!login_required) return malformed("loginRequired");
    s.start_url = std::move(*start_url);
    s.region = std::move(*region);
    s.login_required = *login_required;
    auto expires = required_time(doc, "accessTokenExpiresAt");
    if (!expires) return std::move(expires).error();
    s.access_token_expires_at = *expires;
    auto issued = required_time(doc, "issuedAt");
    if (!issued) return std::move(issued).error();
    s.issued_at = *issued;
    // Absent in files written before the session's end was tracked: unknown.
    if (!jf::absent(doc, "sessionStartedAt")) {
        auto started = required_time(doc, "sessionStartedAt");
        if (!started) return std::move(started).error();
        s.session_started_at = *started;
    }
    const auto learned = jf::int_member_or(doc, "learnedSessionLengthSeconds", 0);
    if (!learned) return malformed("learnedSessionLengthSeconds");
    if (*learned > 0) s.learned_session_length = std::chrono::seconds(*learned);

    auto sealed = required_string(doc, "sealed");
    if (!sealed) return std::move(sealed).error();
    auto blob = crypto::hex_decode(*sealed);
    if (!blob) return Error::make(ErrorCode::Invalid, "sealed member is not hex");
    auto plain = state_cipher::open(key, *blob, aad_for(s.session));
    if (!plain) return std::move(plain).error();
    // Not jf::parse_object: a parse error's position is worth reporting, and its what()
    // (which quotes the bytes it last read, maybe a secret) is not.
    WipedJson secrets;
    try {
        *secrets = json::parse(plain->reveal());
    } catch (const json::parse_error& e) {
        return Error::make(ErrorCode::Invalid,
                           "malformed sealed session data at byte " + std::to_string(e.byte));
    } catch (const json::exception&) {
        return Error::make(ErrorCode::Invalid, "malformed sealed session data");
    }
    auto access = jf::secret_member(*secrets, "accessToken");
    if (!access) return malformed("accessToken");
    s.access_token = std::move(*access);
    if (!jf::absent(*secrets, "refreshToken")) {
        auto refresh = jf::secret_member(*secrets, "refreshToken");
        if (!refresh) return malformed("refreshToken");
        s.refresh_token = std::move(*refresh);
    }

    if (const auto* reg = jf::member(doc, "registration"); reg != nullptr && !reg->is_null()) {
        ClientRegistration r;
        auto client_id = required_string(*reg, "clientId");
        if (!client_id) return std::move(client_id).error();
        r.client_id = std::move(*client_id);
        auto reg_expires = required_time(*reg, "expiresAt");
        if (!reg_expires) return std::move(reg_expires).error();
        r.expires_at = *reg_expires;
        auto grant_types = jf::string_array_member_or(*reg, "grantTypes");
        auto scopes = jf::string_array_member_or(*reg, "scopes");
        if (!grant_types) return malformed("grantTypes");
        if (!scopes) return malformed("scopes");
        r.grant_types = std::move(*grant_types);
        r.scopes = std::move(*scopes);
        if (!jf::absent(*secrets, "clientSecret")) {
            auto client_secret = jf::secret_member(*secrets, "clientSecret");
            if (!client_secret) return malformed("clientSecret");
            r.client_secret = std::move(*client_secret);
        }
        s.registration = std::move(r);
    }
    return s;
}

}  // namespace ssocred
