#include "env_plan.hpp"

#include <cstdlib>

#include "ssocred/env_listeners.hpp"

#include "control_client.hpp"
#include "json_util.hpp"

namespace ssocred::cli {
namespace {

// Variables that win over the container/IMDS providers in every SDK's chain (static keys
// and a named profile), so they are unset; the aliases botocore still reads are included.
constexpr std::string_view kShadowing[] = {
    "AWS_ACCESS_KEY_ID",   "AWS_SECRET_ACCESS_KEY",     "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",  "AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
};

bool is_loopback(std::string_view a) {
    return a.rfind("127.", 0) == 0 || a == "::1" || a == "[::1]" || a == "localhost";
}

bool is_ipv6(std::string_view a) {
    return a.find(':') != std::string_view::npos;
}

std::string host_for_url(std::string_view address) {
    if (is_ipv6(address) && address.front() != '[') return "[" + std::string(address) + "]";
    return std::string(address);
}

bool has_crlf(std::string_view s) {
    return s.find_first_of("\r\n") != std::string_view::npos;
}

Error invalid(std::string message) {
    return Error::make(ErrorCode::Invalid, std::move(message));
}

const Listener* loopback_listener(const EndpointInfo& endpoint) {
    for (const auto& l : endpoint.http)
        if (is_loopback(l.address)) return &l;
    return nullptr;
}

std::string_view basename_of(std::string_view path) {
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

const Listener* container_listener(const EndpointInfo& endpoint) {
    const Listener* wildcard = nullptr;
    for (const auto& l : endpoint.http) {
        if (l.address == kContainerHost) return &l;
        if (wildcard == nullptr && l.address == "0.0.0.0") wildcard = &l;
    }
    return wildcard;
}

Status check_listeners(const EnvRequest& req, const EndpointInfo& endpoint) {
    if (req.container) {
        if (container_listener(endpoint) != nullptr) return ok();
        const Listener* loopback = loopback_listener(endpoint);
        return no_container_listener_error(loopback != nullptr ? std::optional(loopback->port)
                                                               : std::nullopt);
    }
    if (loopback_listener(endpoint) != nullptr) return ok();
    return no_loopback_listener_error();
}

TokenMount token_mount(std::string_view token_file) {
    std::string source(token_file);
    if (basename_of(token_file) == "token") {
        const auto slash = token_file.rfind('/');
        if (slash != std::string_view::npos && slash > 0) source = token_file.substr(0, slash);
    }
    return {source, source};
}

EndpointInfo EndpointInfo::from_json(const nlohmann::json& j) {
    EndpointInfo e;
    for (const auto& l : arr(j, "http"))
        if (auto a = opt_str(l, "address"))
            e.http.push_back({*a, static_cast<int>(num(l, "port"))});
    e.token = opt_str(j, "token");
    e.token_file = opt_str(j, "token_file");
    e.region = opt_str(j, "region");
    if (const auto& active = member(j, "active"); active.is_object()) {
        if (auto profile = opt_str(active, "profile"))
            e.active_label = *profile;
        else
            e.active_label = str(active, "account_id") + "/" + str(active, "role_name");
    }
    return e;
}

ScopedToken ScopedToken::from_json(const nlohmann::json& j) {
    ScopedToken t;
    t.id = str(j, "id");
    t.token = opt_str(j, "token");
    t.token_file = opt_str(j, "token_file");
    const auto& role = member(j, "role");
    t.account_id = str(role, "account_id");
    t.role_name = str(role, "role_name");
    t.profile = opt_str(role, "profile");
    t.region = opt_str(j, "region");
    if (auto it = j.find("active"); it != j.end() && it->is_boolean()) t.active = it->get<bool>();
    return t;
}

EnvLookup process_env() {
    return [](std::string_view name) -> std::optional<std::string> {
        const char* v = std::getenv(std::string(name).c_str());
        if (v == nullptr) return std::nullopt;
        return std::string(v);
    };
}

bool needs_scoped_token(const EnvRequest& req) {
    return !req.imds;  // without --profile/--container: an active-role token, not the main one
}

bool wants_active_role_token(const EnvRequest& req) {
    return !req.imds && !req.profile && !req.container;
}

nlohmann::json scoped_token_request(const EnvRequest& req, const nlohmann::json& active,
                                    std::string_view label) {
    nlohmann::json body = nlohmann::json::object();
    if (wants_active_role_token(req)) {
        body["active"] = true;  // /v1/credentials only, sliding expiry (the daemon's default)
    } else if (req.profile) {
        body["profile"] = *req.profile;
    } else {
        body["account_id"] = str(active, "account_id");
        body["role_name"] = str(active, "role_name");
        if (auto s = opt_str(active, "session")) body["sso_session"] = *s;
    }
    if (req.ttl_seconds)
        body["ttl_seconds"] = *req.ttl_seconds;
    else
        body["idle_seconds"] = kTokenIdleSeconds;
    if (req.bind_to_client) body["bind_to_client"] = true;
    // Containers read the token from a mounted file; docker cannot pass a rotating value.
    body["file"] = req.container || req.token_file;
    body["label"] = std::string(label);
    return body;
}

std::string merge_no_proxy(const std::optional<std::string>& upper,
                           const std::optional<std::string>& lower, std::string_view host) {
    std::vector<std::string> items;
    auto add = [&](std::string_view item) {
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item.empty()) return;
        for (const auto& existing : items)
            if (existing == item) return;
        items.emplace_back(item);
    };
    for (const auto* list : {&upper, &lower}) {
        if (!*list) continue;
        std::string_view rest = **list;
        while (!rest.empty()) {
            auto comma = rest.find(',');
            add(rest.substr(0, comma));
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    add(host);
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
    return out;
}

Status check_env_request(const EnvRequest& req) {
    if (req.imds && (req.profile || req.token_file))
        return invalid(
            "--imds serves the active role without a token: drop --profile/--token-file");
    if (req.imds && req.container)
        return invalid(
            "the metadata endpoint has no token, so ssocredd serves it on loopback to your own "
            "processes only; containers use the container endpoint: drop --imds");
    return ok();
}

Expected<EnvPlan> compose_env(const EnvRequest& req, const EndpointInfo& endpoint,
                              const std::optional<ScopedToken>& scoped, const EnvLookup& env) {
    EnvPlan plan;
    auto set = [&](std::string_view k, std::string v) {
        plan.ops.push_back({std::string(k), std::move(v)});
    };
    auto unset = [&](std::string_view k) { plan.ops.push_back({std::string(k), std::nullopt}); };

    if (auto st = check_env_request(req); !st) return st.error();
    if (auto st = check_listeners(req, endpoint); !st) return st.error();

    // Where SDKs connect: loopback, or 169.254.170.2 for containers (the only non-loopback
    // http host every SDK accepts, PROTOCOLS.md §9.1), on the port the daemon really
    // listens on there: SDKs check only the host.
    std::string host;
    int port = 0;
    if (req.container) {
        host = std::string(kContainerHost);
        port = container_listener(endpoint)->port;
    } else {
        const Listener* loopback = loopback_listener(endpoint);
        host = host_for_url(loopback->address);
        port = loopback->port;
    }
    const std::string origin = "http://" + host + ":" + std::to_string(port);

    for (auto name : kShadowing) unset(name);

    if (req.imds) {
        // A container URI would win over IMDS in every SDK, and AWS_EC2_METADATA_DISABLED
        // would switch it off.
        unset("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
        unset("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        unset("AWS_CONTAINER_AUTHORIZATION_TOKEN");
        unset("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
        unset("AWS_EC2_METADATA_DISABLED");
        // The origin with a trailing slash: the botocore inside AWS CLI v2 up to at least
        // 2.9 appends "latest/api/token" with no separator, JS and Go replace the path, and
        // Java's "//latest/..." is folded to "/latest/..." by the daemon (PROTOCOLS.md §10.3).
        set("AWS_EC2_METADATA_SERVICE_ENDPOINT", origin + "/");
        set("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", is_ipv6(host) ? "IPv6" : "IPv4");
        // botocore sends IMDS requests through HTTP_PROXY unless NO_PROXY names the host.
        std::string bare_host = host;
        if (bare_host.front() == '[') bare_host = bare_host.substr(1, bare_host.size() - 2);
        const std::string no_proxy = merge_no_proxy(env("NO_PROXY"), env("no_proxy"), bare_host);
        set("NO_PROXY", no_proxy);
        set("no_proxy", no_proxy);
    } else {
        // RELATIVE_URI wins over FULL_URI in botocore, Java and Rust (PROTOCOLS.md §12.3).
        unset("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
        std::string path = "/v1/credentials";
        if (req.profile) {
            path = "/v1/profiles/" + url_encode(*req.profile) + "/credentials";
        } else if (scoped && !scoped->account_id.empty()) {
            path = "/v1/accounts/" + url_encode(scoped->account_id) + "/roles/" +
                   url_encode(scoped->role_name) + "/credentials";
        }
        set("AWS_CONTAINER_CREDENTIALS_FULL_URI", origin + path);

        const bool use_file = req.token_file || req.container;
        std::optional<std::string> value;
        if (needs_scoped_token(req)) {
            if (!scoped) return Error::make(ErrorCode::Internal, "no scoped token was minted");
            value = use_file ? scoped->token_file : scoped->token;
        } else {
            value = use_file ? endpoint.token_file : endpoint.token;
        }
        if (!value || value->empty())
            return Error::make(ErrorCode::BadResponse,
                               use_file ? "ssocredd did not provide a token file"
                                        : "ssocredd did not provide an endpoint token");
        if (has_crlf(*value))
            return Error::make(ErrorCode::BadResponse, "ssocredd provided an unusable token");
        // Never both: SDKs disagree on which one wins (PROTOCOLS.md §12.2).
        if (use_file) {
            unset("AWS_CONTAINER_AUTHORIZATION_TOKEN");
            set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", *value);
            if (req.container) {
                plan.mount = token_mount(*value);
                plan.notes.push_back(
                    "give the container these two variables and mount the token's directory "
                    "at the same path (read-only), e.g.: docker run -e "
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI=" +
                    origin + path + " -e AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=" + *value +
                    " -v " + plan.mount->source + ":" + plan.mount->target + ":ro IMAGE …");
            }
        } else {
            unset("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
            set("AWS_CONTAINER_AUTHORIZATION_TOKEN", *value);
        }
    }

    // The profile's region: unsetting AWS_PROFILE loses it, so SDKs are told it directly.
    // A named profile gets its own `region` or none (the SDK's own chain decides), never
    // the active role's. A region the user set wins, as it does over a profile's in the AWS
    // CLI; one that ssocred exported earlier (SSOCRED_REGION remembers it) does not.
    const std::optional<std::string> want =
        req.profile ? (scoped ? scoped->region : std::nullopt) : endpoint.region;
    auto user_region = env("AWS_REGION");
    if (!user_region || user_region->empty()) user_region = env("AWS_DEFAULT_REGION");
    if (user_region && user_region->empty()) user_region.reset();
    const auto exported = env("SSOCRED_REGION");
    const bool user_chose = user_region && (!exported || *exported != *user_region);
    if (user_chose) {
        if (want && !want->empty() && *want != *user_region)
            plan.notes.push_back("AWS_REGION " + *user_region +
                                 " from your environment wins over the profile's region " + *want +
                                 "; unset AWS_REGION and AWS_DEFAULT_REGION to use it");
    } else if (want && !want->empty() && !has_crlf(*want)) {
        set("AWS_REGION", *want);
        set("AWS_DEFAULT_REGION", *want);
        set("SSOCRED_REGION", *want);
    } else if (exported) {
        unset("AWS_REGION");
        unset("AWS_DEFAULT_REGION");
        unset("SSOCRED_REGION");
    }

    // For shell prompts (docs/cli.md): which profile, or account/role, this environment is.
    std::optional<std::string> label;
    if (req.profile)
        label = *req.profile;
    else if (scoped && scoped->profile)
        label = *scoped->profile;
    else if (scoped && !scoped->account_id.empty())
        label = scoped->account_id + "/" + scoped->role_name;
    else
        label = endpoint.active_label;
    if (label && !has_crlf(*label))
        set("SSOCRED_PROFILE", *label);
    else
        unset("SSOCRED_PROFILE");
    return plan;
}

}  // namespace ssocred::cli
