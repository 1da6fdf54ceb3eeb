#include "admin.hpp"

#include <algorithm>
#include <functional>

#include "json_input.hpp"

namespace emu {

namespace {

struct Ctx {
    State& state;
    Faults& faults;
    Counters& counters;
    const Json& body;
};

Response ok(const Json& j) {
    return json_reply(http::status::ok, j);
}

Response bad(const std::string& message) {
    return json_reply(http::status::bad_request, Json{{"error", message}});
}

// An optional integer member; false when present with the wrong type.
bool int_member(const Json& body, const char* key, std::optional<long long>& out) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return true;
    if (!it->is_number_integer()) return false;
    out = it->get<long long>();
    return true;
}

bool bool_member(const Json& body, const char* key, bool fallback) {
    auto it = body.find(key);
    return (it != body.end() && it->is_boolean()) ? it->get<bool>() : fallback;
}

Json clock_json(State& s) {
    return {{"offset_seconds", s.clock().offset().count()},
            {"now", ssocred::format_utc(s.now())},
            {"now_epoch", ssocred::to_epoch_seconds(s.now())}};
}

Json settings_json(const Settings& s) {
    return {{"access_token_ttl", s.access_token_ttl},
            {"role_ttl", s.role_ttl},
            {"device_code_ttl", s.device_code_ttl},
            {"auth_code_ttl", s.auth_code_ttl},
            {"device_interval", s.device_interval},
            {"registration_ttl", s.registration_ttl},
            {"page_size", s.page_size},
            {"approve_after", s.approve_after},
            {"refresh_reuse_grace", s.refresh_reuse_grace},
            {"deny", s.deny}};
}

Json faults_json(const Faults& f) {
    Json list = Json::array();
    for (const auto& r : f.rules()) {
        list.push_back({{"operation", r.operation},
                        {"kind", to_string(r.kind)},
                        {"remaining", r.remaining},
                        {"delay_ms", r.delay_ms}});
    }
    return {{"faults", list}};
}

Json state_json(State& s) {
    const auto now = s.now();
    auto count = [](const auto& c, auto pred) {
        return static_cast<long long>(std::count_if(c.begin(), c.end(), pred));
    };
    return {
        {"clients", s.clients().size()},
        {"pending_device_codes",
         count(s.device_codes(),
               [&](const DeviceCode& d) { return !d.used && d.expires_at > now; })},
        {"pending_auth_codes",
         count(s.auth_codes(),
               [&](const auto& kv) { return !kv.second.used && kv.second.expires_at > now; })},
        {"live_access_tokens",
         count(s.access_tokens(),
               [&](const AccessToken& t) { return !t.revoked && t.expires_at > now; })},
        {"live_refresh_tokens",
         count(s.refresh_tokens(), [](const RefreshToken& t) { return !t.used && !t.revoked; })},
        {"issued_role_credentials", s.issued().size()},
        {"clock_offset_seconds", s.clock().offset().count()},
    };
}

// Everything issued, secrets included: tests compare what a client got with this.
Json issued_json(State& s) {
    const auto now = s.now();
    Json creds = Json::array();
    for (const auto& c : s.issued()) {
        creds.push_back({{"access_key_id", c.access_key_id},
                         {"secret_access_key", c.secret_access_key},
                         {"session_token", c.session_token},
                         {"account_id", c.account_id},
                         {"role_name", c.role_name},
                         {"access_token", c.access_token},
                         {"issued_at", ssocred::format_utc(c.issued_at)},
                         {"expiration", ssocred::format_utc(c.expiration)}});
        // Only with --sts-endpoint: the identity an STS will report for these keys.
        if (!c.assumed_role_arn.empty()) creds.back()["assumed_role_arn"] = c.assumed_role_arn;
    }
    Json access = Json::array();
    for (const auto& t : s.access_tokens()) {
        access.push_back({{"access_token", t.token},
                          {"client_id", t.client_id},
                          {"grant", t.grant},
                          {"issued_at", ssocred::format_utc(t.issued_at)},
                          {"expires_at", ssocred::format_utc(t.expires_at)},
                          {"revoked", t.revoked},
                          {"live", !t.revoked && t.expires_at > now}});
    }
    Json refresh = Json::array();
    for (const auto& t : s.refresh_tokens()) {
        refresh.push_back({{"refresh_token", t.token},
                           {"client_id", t.client_id},
                           {"issued_at", ssocred::format_utc(t.issued_at)},
                           {"used", t.used},
                           {"revoked", t.revoked}});
    }
    Json clients = Json::array();
    for (const auto& [id, c] : s.clients()) {
        clients.push_back({{"client_id", c.id},
                           {"client_name", c.name},
                           {"scopes", c.scopes},
                           {"grant_types", c.grant_types},
                           {"redirect_uris", c.redirect_uris},
                           {"expires_at", ssocred::format_utc(c.expires_at)}});
    }
    Json devices = Json::array();
    for (const auto& d : s.device_codes()) {
        devices.push_back({{"user_code", d.user_code},
                           {"client_id", d.client_id},
                           {"approved", d.approved},
                           {"used", d.used},
                           {"pending_answers", d.pending_answers},
                           {"expires_at", ssocred::format_utc(d.expires_at)}});
    }
    return {{"role_credentials", creds},
            {"access_tokens", access},
            {"latest_access_token", access.empty() ? Json() : access.back()["access_token"]},
            {"refresh_tokens", refresh},
            {"clients", clients},
            {"device_codes", devices}};
}

Response set_clock(Ctx& c) {
    std::optional<long long> shift, offset;
    if (!int_member(c.body, "shift_seconds", shift) ||
        !int_member(c.body, "offset_seconds", offset)) {
        return bad("shift_seconds / offset_seconds must be integers");
    }
    if (shift.has_value() == offset.has_value())
        return bad("give exactly one of shift_seconds, offset_seconds");
    auto& clock = c.state.clock();
    clock.set_offset(offset ? std::chrono::seconds(*offset)
                            : clock.offset() + std::chrono::seconds(*shift));
    return ok(clock_json(c.state));
}

Response set_settings(Ctx& c) {
    Settings& s = c.state.settings();
    struct Field {
        const char* key;
        long long Settings::*member;
        long long min;
    };
    static constexpr Field kFields[] = {
        {"access_token_ttl", &Settings::access_token_ttl, 1},
        {"role_ttl", &Settings::role_ttl, 1},
        {"device_code_ttl", &Settings::device_code_ttl, 1},
        {"auth_code_ttl", &Settings::auth_code_ttl, 1},
        {"device_interval", &Settings::device_interval, 0},
        {"registration_ttl", &Settings::registration_ttl, 1},
        {"page_size", &Settings::page_size, 0},
        {"approve_after", &Settings::approve_after, -1},
        {"refresh_reuse_grace", &Settings::refresh_reuse_grace, 0},
    };
    Settings next = s;
    for (const Field& f : kFields) {
        std::optional<long long> v;
        if (!int_member(c.body, f.key, v)) return bad(std::string(f.key) + " must be an integer");
        if (v && *v < f.min) return bad(std::string(f.key) + " is too small");
        if (v) next.*(f.member) = *v;
    }
    next.deny = bool_member(c.body, "deny", next.deny);
    s = next;
    return ok(settings_json(s));
}

Response add_fault(Ctx& c) {
    const std::string* op = string_member(c.body, "operation");
    const std::string* kind_name = string_member(c.body, "kind");
    if (!op || !kind_name) return bad("operation and kind are required");
    const bool known =
        *op == "*" || std::any_of(std::begin(kOperationNames), std::end(kOperationNames),
                                  [&](const char* n) { return *op == n; });
    if (!known) return bad("unknown operation: " + *op);
    auto kind = parse_fault_kind(*kind_name);
    if (!kind) return bad("unknown fault kind: " + *kind_name);
    std::optional<long long> count, delay;
    if (!int_member(c.body, "count", count) || !int_member(c.body, "delay_ms", delay)) {
        return bad("count and delay_ms must be integers");
    }
    FaultRule rule{*op, *kind, count.value_or(1),
                   delay.value_or(*kind == FaultKind::Delay ? 1000 : 0)};
    if (rule.remaining == 0 || rule.remaining < -1)
        return bad("count must be >= 1, or -1 for always");
    if (rule.delay_ms < 0 || rule.delay_ms > 600000) return bad("delay_ms must be 0..600000");
    c.faults.add(std::move(rule));
    return ok(faults_json(c.faults));
}

using Handler = std::function<Response(Ctx&)>;

struct Endpoint {
    http::verb method;
    std::string_view path;  // below /__admin/
    Handler handler;
};

const std::vector<Endpoint>& endpoints() {
    static const std::vector<Endpoint> kEndpoints = {
        {http::verb::get, "counters", [](Ctx& c) { return ok(c.counters.to_json()); }},
        {http::verb::post, "counters/reset",
         [](Ctx& c) {
             c.counters.reset();
             return ok(c.counters.to_json());
         }},
        {http::verb::post, "approve",
         [](Ctx& c) {
             const std::string* code = string_member(c.body, "user_code");
             int n = c.state.approve(code ? std::optional<std::string>(*code) : std::nullopt);
             return ok({{"approved", n}});
         }},
        {http::verb::post, "deny",
         [](Ctx& c) {
             c.state.settings().deny = bool_member(c.body, "deny", true);
             return ok({{"deny", c.state.settings().deny}});
         }},
        {http::verb::post, "revoke",
         [](Ctx& c) {
             // An empty body revokes both kinds; otherwise only the kinds named.
             const bool all = c.body.empty();
             c.state.revoke(bool_member(c.body, "refresh_tokens", all),
                            bool_member(c.body, "access_tokens", all));
             return ok(state_json(c.state));
         }},
        {http::verb::get, "clock", [](Ctx& c) { return ok(clock_json(c.state)); }},
        {http::verb::post, "clock", set_clock},
        {http::verb::post, "expire",
         [](Ctx& c) {
             if (bool_member(c.body, "access_tokens", true)) c.state.expire_access_tokens();
             if (bool_member(c.body, "device_codes", false)) c.state.expire_device_codes();
             return ok(state_json(c.state));
         }},
        {http::verb::get, "settings", [](Ctx& c) { return ok(settings_json(c.state.settings())); }},
        {http::verb::post, "settings", set_settings},
        {http::verb::post, "fault", add_fault},
        {http::verb::get, "faults", [](Ctx& c) { return ok(faults_json(c.faults)); }},
        {http::verb::delete_, "faults",
         [](Ctx& c) {
             c.faults.clear();
             return ok(faults_json(c.faults));
         }},
        {http::verb::get, "issued", [](Ctx& c) { return ok(issued_json(c.state)); }},
        {http::verb::get, "state", [](Ctx& c) { return ok(state_json(c.state)); }},
    };
    return kEndpoints;
}

}  // namespace

Response handle_admin(State& state, Faults& faults, Counters& counters, const Request& req,
                      const Target& target) {
    ++counters.admin;
    std::string_view sub = std::string_view(target.path).substr(kAdminPrefix.size());
    Json body = Json::object();
    if (!req.body().empty()) {
        auto parsed = parse_object(req.body());
        if (!parsed) return bad("the body must be a JSON object");
        body = std::move(*parsed);
    }
    Ctx ctx{state, faults, counters, body};
    bool path_known = false;
    for (const auto& e : endpoints()) {
        if (e.path != sub) continue;
        path_known = true;
        if (e.method == req.method()) return e.handler(ctx);
    }
    if (path_known) {
        return json_reply(http::status::method_not_allowed, Json{{"error", "method not allowed"}});
    }
    return json_reply(http::status::not_found, Json{{"error", "unknown admin endpoint"}});
}

}  // namespace emu
