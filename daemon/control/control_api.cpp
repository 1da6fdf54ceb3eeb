#include "control/control_api.hpp"

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <memory>
#include <set>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "ssocred/json_fields.hpp"
#include "ssocred/json_string.hpp"
#include "ssocred/version.hpp"

#include "config/aws_config.hpp"
#include "control/control_internal.hpp"
#include "control/control_json.hpp"
#include "platform/platform_status.hpp"
#include "platform/process_exit_watch.hpp"
#include "serve/json_error.hpp"
#include "sso/http_client.hpp"
#include "sso/next_step.hpp"
#include "store/json_wipe.hpp"
#include "sts/console_signin.hpp"

namespace ssocred {
namespace {

using control_internal::invalid;

using nlohmann::json;
using serve::Request;
using serve::Responder;
using serve::Response;

Response json_response(unsigned status, const json& body) {
    Response r;
    r.status = status;
    r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return r;
}

// A JSON response whose `secrets` members never pass through nlohmann::json, whose buffers
// we cannot wipe: each is serialised as a placeholder, then the text is rebuilt into one
// buffer sized up front with the secrets spliced in (JSON-escaped), and handed to the
// connection as a secret body that is wiped once sent.
using SecretMembers = std::initializer_list<std::pair<const char*, std::string_view>>;

Response secret_json_response(unsigned status, json body, SecretMembers secrets) {
    static constexpr std::string_view kMark = "\x01ssocred-secret-";
    std::size_t index = 0;
    for (const auto& [name, value] : secrets)
        body[name] = std::string(kMark) + std::to_string(index++);
    const std::string text = body.dump(-1, ' ', false, json::error_handler_t::replace);
    // dump() escapes \x01 as "\u0001": that is what the placeholders look like in `text`.
    const std::string mark = "\\u0001ssocred-secret-";

    std::size_t size = text.size();
    for (const auto& [name, value] : secrets) size += 6 * value.size();  // worst-case escaping
    auto owner = std::make_shared<WipedString>();
    std::string& out = **owner;
    out.reserve(size);
    std::size_t from = 0;
    while (true) {
        const std::size_t at = text.find(mark, from);
        if (at == std::string::npos) break;
        out.append(text, from, at - from);
        // The index that follows; a look-alike inside another value (a client's label, say)
        // that names no secret is copied through as it is.
        const char* digits = text.data() + at + mark.size();
        std::size_t i = 0;
        const auto [end, ec] = std::from_chars(digits, text.data() + text.size(), i);
        if (ec != std::errc() || i >= secrets.size()) {
            out.append(mark);
            from = at + mark.size();
            continue;
        }
        write_json_string_content((secrets.begin() + i)->second,
                                  [&out](std::string_view piece) { out.append(piece); });
        from = static_cast<std::size_t>(end - text.data());
    }
    out.append(text, from);
    Response r;
    r.status = status;
    r.secret_body = std::shared_ptr<const std::string>(owner, &out);
    return r;
}

// A successful answer that used the last good config while the file is broken says so.
json with_config_note(json body, const ConfigHealth& health) {
    if (auto note = health.note()) body["config_error"] = *note;
    return body;
}

void fail(const Responder& respond, const Error& error) {
    // What the person at `ssocred` should do next ends every upstream failure.
    respond(serve::json_error(sso::with_next_step(error)));
}

// A login_required answer names the SSO session that needs the login, so the CLI can sign
// in to it (most errors carry it already: SessionManager sets it).
Error about_session(Error error, const std::string& session) {
    if (error.session.empty()) error.session = session;
    return error;
}

// The request body as a JSON object; an empty body is an empty object.
Expected<json> body_object(const Request& request) {
    if (request.body.empty()) return json::object();
    json j = json::parse(request.body, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return invalid("the request body must be a JSON object");
    return j;
}

// Optional request members (ssocred/json_fields.hpp): absent or mistyped reads as "" / false.
std::string string_member(const json& j, const char* name) {
    return jf::string_or(j, name);
}

bool bool_member(const json& j, const char* name) {
    return jf::bool_or(j, name);
}

// How long the first answer of POST /v1/login waits for the URL (RegisterClient and
// StartDeviceAuthorization, or the loopback listener): after that it answers `pending`
// without one, and the CLI's long polls bring it.
constexpr std::chrono::seconds kLoginPromptWait{20};

// What the first answer of a login waits for: the URL to open, or the end (a failure of
// the upstream start, a cancel).
bool has_prompt(const sso::LoginProgress& p) {
    return !p.url.empty() || p.state != sso::LoginState::Pending;
}

// "/v1/login/abc" -> "abc" for prefix "/v1/login/"; empty when the path is not below it.
std::string tail_after(std::string_view path, std::string_view prefix) {
    if (!path.starts_with(prefix)) return {};
    std::string_view rest = path.substr(prefix.size());
    if (rest.empty() || rest.find('/') != std::string_view::npos) return {};
    return std::string(rest);
}

}  // namespace

void ControlApi::handle(const Request& request, Responder respond) {
    // One table: it dispatches, and it tells a wrong method (405) from an unknown path (404).
    // A path ending in '/' takes one more segment, the id of a login or a token.
    using Run = void (*)(ControlApi&, const Request&, const std::string& id, Responder&&);
    struct Route {
        std::string_view method;
        std::string_view path;
        Run run;
    };
    static constexpr Route kRoutes[] = {
        {"GET", "/v1/status",
         [](ControlApi& api, const Request&, const std::string&, Responder&& r) {
             api.status(std::move(r));
         }},
        {"GET", "/metrics",
         [](ControlApi& api, const Request&, const std::string&, Responder&& r) {
             api.metrics(std::move(r));
         }},
        {"POST", "/v1/login",
         [](ControlApi& api, const Request& q, const std::string&, Responder&& r) {
             api.start_login(q, std::move(r));
         }},
        {"GET", "/v1/login/",
         [](ControlApi& api, const Request& q, const std::string& id, Responder&& r) {
             api.get_login(id, q, std::move(r));
         }},
        {"DELETE", "/v1/login/",
         [](ControlApi& api, const Request&, const std::string& id, Responder&& r) {
             api.cancel_login(id, std::move(r));
         }},
        {"POST", "/v1/logout",
         [](ControlApi& api, const Request& q, const std::string&, Responder&& r) {
             api.logout(q, std::move(r));
         }},
        {"GET", "/v1/accounts",
         [](ControlApi& api, const Request& q, const std::string&, Responder&& r) {
             api.accounts(q, std::move(r));
         }},
        {"GET", "/v1/active",
         [](ControlApi& api, const Request&, const std::string&, Responder&& r) {
             api.get_active(std::move(r));
         }},
        {"PUT", "/v1/active",
         [](ControlApi& api, const Request& q, const std::string&, Responder&& r) {
             api.set_active(q, std::move(r));
         }},
        {"GET", "/v1/credentials",
         [](ControlApi& api, const Request& q, const std::string&, Responder&& r) {
             api.credentials(q, std::move(r));
         }},
        {"GET", "/v1/endpoint",
         [](ControlApi& api, const Request&, const std::string&, Responder&& r) {
             api.endpoint(std::move(r));
         }},
        {"POST", "/v1/env",
         [](ControlApi& api, const Request& q, const std::string&, Responder&& r) {
             api.env(q, std::move(r));
         }},
        {"POST", "/v1/console",
         [](ControlApi& api, const Request& q, const std::string&, Responder&& r) {
             api.console(q, std::move(r));
         }},
        {"POST", "/v1/tokens",
         [](ControlApi& api, const Request& q, const std::string&, Responder&& r) {
             api.mint_token(q, std::move(r));
         }},
        {"GET", "/v1/tokens",
         [](ControlApi& api, const Request&, const std::string&, Responder&& r) {
             api.list_tokens(std::move(r));
         }},
        {"POST", "/v1/tokens/main/rotate",
         [](ControlApi& api, const Request&, const std::string&, Responder&& r) {
             api.rotate_main_token(std::move(r));
         }},
        {"DELETE", "/v1/tokens/",
         [](ControlApi& api, const Request&, const std::string& id, Responder&& r) {
             api.revoke_token(id, std::move(r));
         }},
    };
    std::string allowed;  // the methods the path takes, when the request's is not one
    for (const Route& route : kRoutes) {
        std::string id;
        if (route.path.ends_with('/')) {
            id = tail_after(request.path, route.path);
            if (id.empty()) continue;
        } else if (request.path != route.path) {
            continue;
        }
        if (request.method == route.method)
            return route.run(*this, request, id, std::move(respond));
        if (!allowed.empty()) allowed += ", ";
        allowed += route.method;
    }
    if (allowed.empty())
        return respond(serve::json_error(WireError::NotFound,
                                         "no such control endpoint; see docs/control-api.md"));
    // 405 with the code `invalid`, not method_not_allowed: the documented contract
    // (docs/control-api.md), which the CLI reads as a usage error.
    Response r = serve::json_error(
        405, WireError::Invalid,
        std::string(request.path) + " takes " + allowed + "; see docs/control-api.md");
    r.headers.emplace_back("Allow", allowed);
    respond(std::move(r));
}

void ControlApi::status(Responder respond) {
    const auto now = ctx_.clock->now();
    json http = json::array();
    for (const auto& ep : endpoints_.http)
        http.push_back({{"address", ep.address}, {"port", ep.port}});
    json sessions = json::array();
    std::set<std::string> need_login;  // sessions whose roles cannot be renewed
    for (const auto& s : ctx_.sessions.status()) {
        sessions.push_back(control_json::session(s));
        if (s.state == "login_required" || s.state == "logged_out") need_login.insert(s.name);
    }
    const auto snapshot = ctx_.engine.snapshot();
    json roles = json::array();
    json recent_errors = json::array();
    for (const auto& r : snapshot.roles) {
        json role = control_json::role_status(r);
        const auto profile = ctx_.profiles.profile_for(r.role);
        role["profile"] = profile ? json(*profile) : json(nullptr);
        // A renewal that needs a login will not happen: no stale time (a chained role
        // follows the SSO session at the root of its chain).
        if (need_login.contains(ctx_.profiles.root_session(r.role.session)))
            role["next_renewal_at"] = nullptr;
        roles.push_back(std::move(role));
        if (r.last_error)
            recent_errors.push_back({{"time", control_json::time_or_null(r.last_error_at)},
                                     {"operation", "GetRoleCredentials"},
                                     {"message", *r.last_error}});
    }
    json active = nullptr;
    if (auto a = ctx_.engine.active_role())
        active = control_json::role(*a, ctx_.engine.active_profile());
    const auto& profiles = ctx_.profiles;
    json config = {{"file", profiles.config().source.string()},
                   {"ok", !profiles.problem().has_value()},
                   {"loaded_at", control_json::time_or_null(profiles.loaded_at())},
                   {"error", nullptr},
                   {"error_since", nullptr},
                   // What is in service but will not work (a section missing its start URL,
                   // a profile naming no [sso-session]): found now, not when first used.
                   {"warnings", config::list_sso_sessions(profiles.config()).warnings}};
    if (const auto& problem = profiles.problem()) {
        config["error"] = problem->message;
        config["error_since"] = format_utc(problem->since);
        config["message"] = *profiles.health().note();
    }
    respond(json_response(
        200, {{"version", kVersion},
              {"pid", static_cast<long long>(::getpid())},
              {"started_at", format_utc(ctx_.started_at)},
              {"started_by", ctx_.started_by},
              {"platform", platform::platform_status()},
              {"uptime_seconds",
               std::chrono::duration_cast<std::chrono::seconds>(now - ctx_.started_at).count()},
              {"control_socket", endpoints_.control_socket.string()},
              {"http", http},
              {"state_dir", ctx_.state_dir.string()},
              {"aws_cache", ctx_.aws_cache_mode},
              {"config", config},
              {"sessions", sessions},
              {"active", active},
              {"roles", roles},
              {"recent_errors", recent_errors}}));
}

void ControlApi::metrics(Responder respond) {
    auto& m = ctx_.metrics;
    const auto snapshot = ctx_.engine.snapshot();
    const auto now = ctx_.clock->now();
    m.set("ssocred_cached_roles", {}, static_cast<double>(snapshot.roles.size()));
    m.clear("ssocred_credentials_ttl_seconds");
    for (const auto& r : snapshot.roles) {
        if (!r.expiration) continue;
        m.set("ssocred_credentials_ttl_seconds",
              {{"account_id", r.role.account_id}, {"role_name", r.role.role_name}},
              std::chrono::duration<double>(*r.expiration - now).count());
    }
    const auto& c = snapshot.counters;
    m.set("ssocred_upstream_calls_total", {{"operation", "GetRoleCredentials"}, {"outcome", "any"}},
          static_cast<double>(c.upstream_calls));
    m.set("ssocred_renewals_total", {{"kind", "role"}, {"outcome", "ok"}},
          static_cast<double>(c.renewals_ok));
    m.set("ssocred_renewals_total", {{"kind", "role"}, {"outcome", "failed"}},
          static_cast<double>(c.renewals_failed));
    m.clear("ssocred_sessions");
    std::map<std::string, int> by_state;
    for (const auto& s : ctx_.sessions.status()) ++by_state[s.state];
    for (const auto& [state, n] : by_state) m.set("ssocred_sessions", {{"state", state}}, n);
    Response r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = m.render_prometheus();
    respond(std::move(r));
}

void ControlApi::start_login(const Request& request, Responder respond) {
    auto body = body_object(request);
    if (!body) return fail(respond, body.error());
    const ConfigHealth health = ctx_.profiles.health();
    std::string session = string_member(*body, "sso_session");
    if (const auto profile = string_member(*body, "profile"); !profile.empty()) {
        auto named = config::login_session_of(ctx_.profiles.config(), profile);
        if (!named) return fail(respond, health.explain(named.error()));
        session = *named;
    }
    sso::LoginOptions options;
    options.session = session;
    options.use_device_code = bool_member(*body, "use_device_code");
    // Nothing here waits for the upstream: the manager only creates the login (its own
    // thread makes RegisterClient and the first calls), and the answer waits for the URL
    // parked on the loop. So logins whose upstream is slow hold no worker that `list`,
    // `logout` or `status` need.
    options.prompt_wait = std::chrono::milliseconds(0);

    // `if_needed`: a session that can get a token without a person gets no new login
    // (`ssocred login` without --force, and the sign-in a command starts after another one
    // finished). Every other state needs one: `logged_out`, `login_required` (the refresh
    // token was refused, or the access token expired and cannot be renewed) and
    // `login_in_progress` (joined below).
    if (bool_member(*body, "if_needed")) {
        auto name = ctx_.sessions.resolve_session(options.session);
        if (!name) return fail(respond, health.explain(name.error()));
        for (const auto& s : ctx_.sessions.status())
            if (s.name == *name && s.state == "logged_in")
                return respond(
                    json_response(200, with_config_note(control_json::logged_in(s), health)));
    }
    auto started = ctx_.sessions.start_login(options);
    if (!started) return fail(respond, health.explain(started.error()));
    const bool joined = started->joined;
    auto answer = [health, joined, respond = std::move(respond)](const sso::LoginProgress& p) {
        respond(json_response(202, with_config_note(control_json::login(p, joined), health)));
    };
    // A joiner is answered at once: its login may be further on, and the CLI shows the URL
    // when a poll brings it.
    if (joined || has_prompt(started->progress)) return answer(started->progress);
    auto task = ctx_.sessions.login_task(started->progress.id);
    if (!task) return answer(started->progress);  // cannot happen: it was just created
    polls_.park_until(std::move(*task), started->progress.version, kLoginPromptWait, has_prompt,
                      std::move(answer));
}

void ControlApi::get_login(const std::string& id, const Request& request, Responder respond) {
    int wait = 0;
    if (auto w = request.query_param("wait")) {
        auto [ptr, ec] = std::from_chars(w->data(), w->data() + w->size(), wait);
        if (ec != std::errc{} || ptr != w->data() + w->size() || wait < 0)
            return fail(respond, invalid("wait must be a number of seconds from 0 to 30"));
        wait = std::min(wait, 30);
    }
    // Only the login table's lock is taken here: no upstream call, no wait.
    auto task = ctx_.sessions.login_task(id);
    if (!task) return fail(respond, task.error());
    const sso::LoginProgress now = (*task)->snapshot();
    if (wait == 0 || now.state != sso::LoginState::Pending)
        return respond(json_response(200, control_json::login(now, false)));
    polls_.park(std::move(*task), now.version, std::chrono::seconds(wait),
                [respond = std::move(respond)](const sso::LoginProgress& progress) {
                    respond(json_response(200, control_json::login(progress, false)));
                });
}

void ControlApi::cancel_login(const std::string& id, Responder respond) {
    // On the loop: a cancel takes the login table's lock only briefly and never waits for
    // the login's thread (which may sit in an upstream call).
    auto cancelled = ctx_.sessions.cancel_login(id);
    if (!cancelled) return fail(respond, cancelled.error());
    respond(json_response(200, control_json::login(*cancelled, false)));
}

void ControlApi::logout(const Request& request, Responder respond) {
    auto body = body_object(request);
    if (!body) return fail(respond, body.error());
    const std::string session = string_member(*body, "sso_session");
    const bool all = bool_member(*body, "all");
    boost::asio::post(ctx_.blocking, [this, session, all, respond = std::move(respond)] {
        auto out = ctx_.sessions.logout(session, all);
        if (!out) return fail(respond, out.error());
        // Cached role credentials of those sessions are dropped on the loop, then we answer.
        boost::asio::post(ctx_.loop, [this, names = *out, respond] {
            for (const auto& name : names) ctx_.engine.invalidate(name);
            respond(json_response(200, {{"logged_out", names}}));
        });
    });
}

void ControlApi::accounts(const Request& request, Responder respond) {
    const std::string requested = request.query_param("sso_session").value_or("");
    const bool refresh = request.query_param("refresh").value_or("0") != "0";
    const ConfigHealth health = ctx_.profiles.health();
    auto session = ctx_.sessions.resolve_session(requested);
    if (!session) return fail(respond, health.explain(session.error()));
    boost::asio::post(
        ctx_.blocking, [this, name = *session, refresh, health, respond = std::move(respond)] {
            auto list = ctx_.sessions.list_accounts(name, refresh);
            if (!list) return fail(respond, about_session(health.explain(list.error()), name));
            // The profiles naming each role come from the config in service, which is read on
            // the loop only.
            boost::asio::post(ctx_.loop, [this, list = std::move(*list), health, respond] {
                json accounts = json::array();
                for (const auto& a : list.accounts) {
                    json profiles = json::object();
                    for (const auto& role : a.roles)
                        if (auto p = ctx_.profiles.profile_for({a.account_id, role, list.session}))
                            profiles[role] = *p;
                    accounts.push_back({{"account_id", a.account_id},
                                        {"account_name", a.account_name},
                                        {"email", a.email},
                                        {"roles", a.roles},
                                        {"profiles", profiles}});
                }
                respond(json_response(200,
                                      with_config_note({{"session", list.session},
                                                        {"fetched_at", format_utc(list.fetched_at)},
                                                        {"accounts", accounts}},
                                                       health)));
            });
        });
}

void ControlApi::get_active(Responder respond) {
    json active = nullptr;
    if (auto a = ctx_.engine.active_role())
        active = control_json::role(*a, ctx_.engine.active_profile());
    respond(json_response(200, {{"active", active}}));
}

// Resolves the role a request names: a profile, an account+role (with an optional
// session), or nothing (the active role when `allow_active`). NamedRole: control_internal.hpp.
static Expected<NamedRole> role_named(const CredentialEngine& engine,
                                      const sso::SessionManager& sessions,
                                      const ConfigProfiles& profiles, const std::string& profile,
                                      const std::string& account_id, const std::string& role_name,
                                      const std::string& session, bool allow_active) {
    if (!profile.empty()) {
        auto role = engine.resolve_profile(profile);
        if (!role) return std::move(role).error();
        return NamedRole{*role, profile};
    }
    if (!account_id.empty() || !role_name.empty()) {
        if (account_id.empty() || role_name.empty())
            return invalid("name both account_id and role_name, or a profile");
        auto resolved = sessions.resolve_session(session);
        if (!resolved) return std::move(resolved).error();
        RoleRef role{account_id, role_name, *resolved};
        return NamedRole{role, profiles.profile_for(role)};
    }
    if (allow_active) {
        if (auto active = engine.active_role()) return NamedRole{*active, engine.active_profile()};
        return Error::make(ErrorCode::NotFound,
                           "no active role: pick one with `ssocred use PROFILE`");
    }
    return invalid("name a profile, or an account_id and role_name");
}

void ControlApi::set_active(const Request& request, Responder respond) {
    auto body = body_object(request);
    if (!body) return fail(respond, body.error());
    const ConfigHealth health = ctx_.profiles.health();
    auto named =
        role_named(ctx_.engine, ctx_.sessions, ctx_.profiles, string_member(*body, "profile"),
                   string_member(*body, "account_id"), string_member(*body, "role_name"),
                   string_member(*body, "sso_session"), false);
    if (!named) return fail(respond, health.explain(named.error()));
    auto activate = [this, health](const NamedRole& chosen, const Responder& reply) {
        json previous = nullptr;
        if (auto a = ctx_.engine.active_role())
            previous = control_json::role(*a, ctx_.engine.active_profile());
        if (auto st = ctx_.engine.set_active_role(chosen.role, chosen.profile); !st)
            return fail(reply, st.error());
        ctx_.sessions.set_default_session(ctx_.profiles.root_session(chosen.role.session));
        reply(json_response(
            200, with_config_note({{"previous", previous},
                                   {"active", control_json::role(chosen.role, chosen.profile)}},
                                  health)));
    };
    // A chained profile's role is not assigned through Identity Center: STS decides (its
    // trust policy), on the first fetch. Its root SSO role was checked by resolve_profile's
    // rules only; a refusal shows in the credentials' error.
    if (config::is_chained_session(named->role.session))
        return activate(*named, std::move(respond));
    // The role must be assigned to the session: check against the (cached) listing off the loop.
    boost::asio::post(
        ctx_.blocking, [this, activate, health, named = *named, respond = std::move(respond)] {
            auto list = ctx_.sessions.list_accounts(named.role.session, false);
            if (!list) return fail(respond, health.explain(list.error()));
            const bool assigned =
                std::any_of(list->accounts.begin(), list->accounts.end(), [&](const auto& a) {
                    return a.account_id == named.role.account_id &&
                           std::find(a.roles.begin(), a.roles.end(), named.role.role_name) !=
                               a.roles.end();
                });
            if (!assigned)
                return fail(
                    respond,
                    Error::make(ErrorCode::NotFound,
                                "role " + named.role.role_name + " in account " +
                                    named.role.account_id + " is not assigned to you in session " +
                                    named.role.session + "; `ssocred list` shows what is"));
            boost::asio::post(ctx_.loop, [activate, named, respond] { activate(named, respond); });
        });
}

void ControlApi::credentials(const Request& request, Responder respond) {
    auto named = role_named(ctx_.engine, ctx_.sessions, ctx_.profiles,
                            request.query_param("profile").value_or(""),
                            request.query_param("account_id").value_or(""),
                            request.query_param("role_name").value_or(""),
                            request.query_param("sso_session").value_or(""), true);
    if (!named) return fail(respond, ctx_.profiles.health().explain(named.error()));
    ctx_.engine.get(named->role, [respond = std::move(respond)](Expected<CredentialsPtr> result) {
        if (!result) return fail(respond, result.error());
        const RoleCredentials& c = (*result)->credentials;
        json j = {{"Version", 1},
                  {"AccessKeyId", c.access_key_id},
                  {"Expiration", format_utc(c.expiration)},
                  {"AccountId", c.role.account_id}};
        respond(secret_json_response(200, std::move(j),
                                     {{"SecretAccessKey", c.secret_access_key.reveal()},
                                      {"SessionToken", c.session_token.reveal()}}));
    });
}

// {"profile"? | "account_id"+"role_name"(+"sso_session"), "destination"?, "region"?,
// "signin_endpoint"?}: a console login URL for the role (the active one by default). The
// daemon makes the federation call, so the role's secret key never reaches the CLI; the
// answer's URL holds a SigninToken (a bearer credential for the console).
void ControlApi::console(const Request& request, Responder respond) {
    auto body = body_object(request);
    if (!body) return fail(respond, body.error());
    const ConfigHealth health = ctx_.profiles.health();
    auto named =
        role_named(ctx_.engine, ctx_.sessions, ctx_.profiles, string_member(*body, "profile"),
                   string_member(*body, "account_id"), string_member(*body, "role_name"),
                   string_member(*body, "sso_session"), true);
    if (!named) return fail(respond, health.explain(named.error()));

    // The region: asked for, else the profile's own, else the SSO session's.
    std::string region = string_member(*body, "region");
    if (region.empty() && named->profile)
        region = ctx_.profiles.profile_region(*named->profile).value_or("");
    if (region.empty())
        region =
            ctx_.profiles.sso_region(ctx_.profiles.root_session(named->role.session)).value_or("");

    std::string base = string_member(*body, "signin_endpoint");
    if (base.empty()) {
        auto def = sts::default_signin_base(region);
        if (!def) return fail(respond, def.error());
        base = *def;
    }
    while (base.ends_with('/')) base.pop_back();
    auto url = sso::parse_base_url(base);
    if (!url) return fail(respond, invalid("signin_endpoint: " + url.error().message));

    std::string destination = string_member(*body, "destination");
    if (destination.empty()) {
        auto def = sts::default_console_destination(region);
        if (!def) return fail(respond, def.error());
        destination = *def;
    } else if (!destination.starts_with("https://") && !destination.starts_with("http://")) {
        return fail(respond, invalid("destination must be an https:// URL of the console"));
    }

    json answer = {{"role", control_json::role(named->role, named->profile)},
                   {"region", region.empty() ? json(nullptr) : json(region)},
                   {"signin_endpoint", url->to_string()},
                   {"destination", destination}};
    if (auto note = health.note()) answer["config_error"] = *note;
    ctx_.engine.get(
        named->role, [this, answer = std::move(answer), url = *url, destination,
                      respond = std::move(respond)](Expected<CredentialsPtr> result) mutable {
            if (!result) return fail(respond, result.error());
            boost::asio::post(ctx_.blocking, [answer = std::move(answer), url = std::move(url),
                                              destination, creds = std::move(*result),
                                              clock = ctx_.clock,
                                              respond = std::move(respond)]() mutable {
                sso::HttpClient client(url, *clock);
                auto token = sts::get_signin_token(client, url.host, creds->credentials);
                if (!token) return fail(respond, token.error());
                const Secret login =
                    sts::console_login_url(url.to_string(), "ssocred", destination, *token);
                answer["expiration"] = format_utc(creds->credentials.expiration);
                respond(secret_json_response(200, std::move(answer), {{"url", login.reveal()}}));
            });
        });
}

// The region `ssocred env` exports for the active role: its profile's own `region` (none
// when the profile has none); a role chosen by account and name, which has no profile, gets
// its session's SSO region.
nlohmann::json ControlApi::active_role_region() const {
    const auto active = ctx_.engine.active_role();
    if (!active) return nullptr;
    if (const auto profile = ctx_.engine.active_profile()) {
        if (auto r = ctx_.profiles.profile_region(*profile)) return *r;
        return nullptr;
    }
    if (auto r = ctx_.profiles.sso_region(active->session)) return *r;
    return nullptr;
}

void ControlApi::endpoint(Responder respond) {
    json http = json::array();
    json container_url = nullptr;
    json imds_endpoint = nullptr;
    json active = nullptr;
    if (auto a = ctx_.engine.active_role())
        active = control_json::role(*a, ctx_.engine.active_profile());
    for (const auto& ep : endpoints_.http) {
        http.push_back({{"address", ep.address}, {"port", ep.port}});
        const bool loopback = ep.address.starts_with("127.") || ep.address == "::1";
        if (loopback && container_url.is_null()) {
            const std::string host = ep.address == "::1" ? "[::1]" : ep.address;
            const std::string origin = "http://" + host + ":" + std::to_string(ep.port);
            container_url = origin + "/v1/credentials";
            imds_endpoint = origin;
        }
    }
    respond(secret_json_response(200,
                                 {{"http", http},
                                  {"container_url", container_url},
                                  {"imds_endpoint", imds_endpoint},
                                  {"token_file", ctx_.tokens.main_token_file().string()},
                                  {"region", active_role_region()},
                                  {"active", active}},
                                 {{"token", ctx_.tokens.main_token().reveal()}}));
}

namespace {

// "ttl_seconds" (fixed) or "idle_seconds" (sliding): whole seconds, at most one of them.
Expected<serve::TokenLifetime> lifetime_members(const json& body) {
    serve::TokenLifetime lifetime;
    if (!jf::absent(body, "ttl_seconds")) {
        const auto ttl = jf::int_member(body, "ttl_seconds");
        if (!ttl || *ttl <= 0) return invalid("ttl_seconds must be a positive whole number");
        lifetime.ttl = Seconds(*ttl);
    }
    if (!jf::absent(body, "idle_seconds")) {
        const auto idle = jf::int_member(body, "idle_seconds");
        if (!idle || *idle <= 0 || *idle > serve::EndpointTokens::kMaxIdle.count())
            return invalid("idle_seconds must be a whole number from 1 to " +
                           std::to_string(serve::EndpointTokens::kMaxIdle.count()));
        lifetime.idle = Seconds(*idle);
    }
    if (lifetime.ttl && lifetime.idle)
        return invalid(
            "give ttl_seconds (a fixed expiry) or idle_seconds (a sliding one), not "
            "both");
    return lifetime;
}

}  // namespace

// "bind_to_client": the token dies with the process on the other end of this control
// connection. The pid is opened for watching before the token exists, so a client already
// gone gets no token, and one the kernel cannot watch gets an unbound token (its expiry
// bounds it) rather than an error.
Expected<std::optional<UniqueFd>> ControlApi::client_exit_fd(const Request& request,
                                                             const json& body) {
    if (!bool_member(body, "bind_to_client")) return std::optional<UniqueFd>{};
    if (!request.peer_pid)
        return invalid("bind_to_client needs a client on the control socket whose pid is known");
    auto fd = platform::process_exit_fd(static_cast<pid_t>(*request.peer_pid));
    if (fd) return std::optional<UniqueFd>(std::move(*fd));
    if (fd.error().code == ErrorCode::NotFound)
        return Error::make(ErrorCode::NotFound, "the client process has exited");
    spdlog::warn("endpoint token not bound to its client (its expiry bounds it): {}",
                 fd.error().message);
    return std::optional<UniqueFd>{};
}

void ControlApi::mint_token(const Request& request, Responder respond) {
    auto body = body_object(request);
    if (!body) return fail(respond, body.error());
    if (bool_member(*body, "active")) return mint_active_token(request, *body, std::move(respond));
    auto named =
        role_named(ctx_.engine, ctx_.sessions, ctx_.profiles, string_member(*body, "profile"),
                   string_member(*body, "account_id"), string_member(*body, "role_name"),
                   string_member(*body, "sso_session"), true);
    const ConfigHealth health = ctx_.profiles.health();
    if (!named) return fail(respond, health.explain(named.error()));
    auto lifetime = lifetime_members(*body);
    if (!lifetime) return fail(respond, lifetime.error());
    // No lifetime asked for: the sliding one the CLI's tokens have (DESIGN.md), not "never".
    if (!lifetime->ttl && !lifetime->idle) lifetime->idle = serve::EndpointTokens::kDefaultIdle;
    auto exit_fd = client_exit_fd(request, *body);
    if (!exit_fd) return fail(respond, exit_fd.error());
    std::optional<long long> bound;
    if (*exit_fd) bound = request.peer_pid;
    auto minted = ctx_.tokens.mint(named->role, *lifetime, bool_member(*body, "file"),
                                   string_member(*body, "label"), bound);
    if (!minted) return fail(respond, minted.error());
    if (*exit_fd) bound_.watch(minted->info.id, std::move(**exit_fd));
    json j = control_json::scoped_token(minted->info);
    j["role"] = control_json::role(named->role, named->profile);
    // The region SDKs should use with this token: the named profile's own `region` (none when
    // it has none: the SDK's own chain decides, never another profile's region).
    j["region"] = nullptr;
    if (named->profile)
        if (auto r = ctx_.profiles.profile_region(*named->profile)) j["region"] = *r;
    const auto active = ctx_.engine.active_role();
    j["active"] = active && *active == named->role;
    if (auto note = health.note()) j["config_error"] = *note;
    respond(secret_json_response(201, std::move(j), {{"token", minted->token.reveal()}}));
}

// {"active": true, "idle_seconds"?: N | "ttl_seconds"?: N, "file"?: bool, "label"?: S,
// "bind_to_client"?: bool}: a token for /v1/credentials only, whose expiry slides with use
// unless a fixed one is asked for (`ssocred env` without --profile).
void ControlApi::mint_active_token(const Request& request, const json& body, Responder respond) {
    auto lifetime = lifetime_members(body);
    if (!lifetime) return fail(respond, lifetime.error());
    if (!lifetime->ttl && !lifetime->idle) lifetime->idle = serve::EndpointTokens::kDefaultIdle;
    auto exit_fd = client_exit_fd(request, body);
    if (!exit_fd) return fail(respond, exit_fd.error());
    std::optional<long long> bound;
    if (*exit_fd) bound = request.peer_pid;
    auto minted = ctx_.tokens.mint_active(*lifetime, bool_member(body, "file"),
                                          string_member(body, "label"), bound);
    if (!minted) return fail(respond, minted.error());
    if (*exit_fd) bound_.watch(minted->info.id, std::move(**exit_fd));
    respond(secret_json_response(201, control_json::scoped_token(minted->info),
                                 {{"token", minted->token.reveal()}}));
}

// The old main token stops working at once; the CLI reads the new one from /v1/endpoint.
void ControlApi::rotate_main_token(Responder respond) {
    if (auto st = ctx_.tokens.rotate_main(); !st) return fail(respond, st.error());
    respond(json_response(
        200, {{"rotated", "main"}, {"token_file", ctx_.tokens.main_token_file().string()}}));
}

void ControlApi::list_tokens(Responder respond) {
    json tokens = json::array();
    for (const auto& t : ctx_.tokens.list()) tokens.push_back(control_json::scoped_token(t));
    respond(json_response(200, {{"tokens", tokens}}));
}

void ControlApi::revoke_token(const std::string& id, Responder respond) {
    if (auto st = ctx_.tokens.revoke(id); !st) return fail(respond, st.error());
    bound_.forget(id);
    respond(json_response(200, {{"revoked", id}}));
}

// The helpers above, for the routes kept in files of their own (control_internal.hpp).
namespace control_internal {

Error invalid(std::string message) {
    return Error::make(ErrorCode::Invalid, std::move(message));
}

serve::Response secret_json(unsigned status, nlohmann::json body, SecretMembers secrets) {
    return secret_json_response(status, std::move(body), secrets);
}

void fail_with(const serve::Responder& respond, const Error& error) {
    fail(respond, error);
}

Expected<nlohmann::json> request_body(const serve::Request& request) {
    return body_object(request);
}

Expected<NamedRole> named_role(const CredentialEngine& engine, const sso::SessionManager& sessions,
                               const ConfigProfiles& profiles, const std::string& profile,
                               bool allow_active) {
    return role_named(engine, sessions, profiles, profile, "", "", "", allow_active);
}

Expected<serve::TokenLifetime> token_lifetime(const nlohmann::json& body) {
    return lifetime_members(body);
}

}  // namespace control_internal

}  // namespace ssocred
