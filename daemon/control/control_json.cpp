#include "control/control_json.hpp"

namespace ssocred::control_json {

using nlohmann::json;

json time_or_null(const std::optional<SystemTime>& t) {
    return t ? json(format_utc(*t)) : json(nullptr);
}

json role(const RoleRef& r, const std::optional<std::string>& profile) {
    return {{"session", r.session},
            {"account_id", r.account_id},
            {"role_name", r.role_name},
            {"profile", profile ? json(*profile) : json(nullptr)}};
}

json login(const sso::LoginProgress& p, bool joined) {
    json j = {{"id", p.id},
              {"session", p.session},
              {"flow", sso::to_string(p.flow)},
              {"state", sso::to_string(p.state)},
              {"url", p.url.empty() ? json(nullptr) : json(p.url)},
              {"user_code", p.user_code.empty() ? json(nullptr) : json(p.user_code)},
              {"expires_at", time_or_null(p.expires_at)},
              {"error", p.error.empty() ? json(nullptr) : json(p.error)},
              {"access_token_expires_at", time_or_null(p.access_token_expires_at)},
              {"joined", joined}};
    return j;
}

json logged_in(const sso::SessionStatus& s) {
    return {{"id", nullptr},
            {"session", s.name},
            {"flow", nullptr},
            {"state", "logged_in"},
            {"url", nullptr},
            {"user_code", nullptr},
            {"expires_at", nullptr},
            {"error", nullptr},
            {"access_token_expires_at", time_or_null(s.access_token_expires_at)},
            {"refresh_token", s.refresh_token},
            {"joined", false}};
}

json session(const sso::SessionStatus& s) {
    json last_error = nullptr;
    if (s.last_error)
        last_error = {{"time", format_utc(s.last_error->time)}, {"message", s.last_error->message}};
    return {
        {"name", s.name},
        {"start_url", s.start_url},
        {"region", s.region},
        {"legacy", s.legacy},
        {"state", s.state},
        {"access_token_expires_at", time_or_null(s.access_token_expires_at)},
        {"next_refresh_at", time_or_null(s.next_refresh_at)},
        {"refresh_token", s.refresh_token},
        {"registration_expires_at", time_or_null(s.registration_expires_at)},
        {"clock_skew_seconds", s.clock_skew_seconds},
        {"last_error", last_error},
        {"session_started_at", time_or_null(s.session_started_at)},
        {"session_ends_at", time_or_null(s.session_ends_at)},
        {"session_length_seconds",
         s.session_length ? json(s.session_length->count()) : json(nullptr)},
        {"session_length_source",
         s.session_length_source ? json(sso::to_string(*s.session_length_source)) : json(nullptr)}};
}

json role_status(const RoleStatus& r) {
    json last_error = nullptr;
    if (r.last_error)
        last_error = {{"time", time_or_null(r.last_error_at)}, {"message", *r.last_error}};
    return {{"session", r.role.session},
            {"account_id", r.role.account_id},
            {"role_name", r.role.role_name},
            {"active", r.active},
            {"expiration", time_or_null(r.expiration)},
            {"next_renewal_at", time_or_null(r.next_renewal_at)},
            {"requests", r.requests},
            {"last_error", last_error}};
}

json scoped_token(const serve::ScopedTokenInfo& t) {
    return {{"id", t.id},
            {"kind", t.active_role ? "active" : "role"},
            {"role", t.active_role ? json(nullptr) : role(t.role, std::nullopt)},
            {"created_at", format_utc(t.created_at)},
            {"expires_at", time_or_null(t.expires_at)},
            {"idle_seconds", t.idle_timeout ? json(t.idle_timeout->count()) : json(nullptr)},
            {"token_file", t.token_file ? json(t.token_file->string()) : json(nullptr)},
            {"bound_pid", t.bound_pid ? json(*t.bound_pid) : json(nullptr)},
            {"label", t.label}};
}

}  // namespace ssocred::control_json
