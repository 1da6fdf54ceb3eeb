// What `ssocred env` and `ssocred exec` put into the environment (DESIGN.md "Endpoints
// served", PROTOCOLS.md §9, §10.3, §12). Pure: the daemon's answers and the current
// environment go in, a list of set/unset operations comes out, so every flag combination
// is unit-tested.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ssocred/expected.hpp"

#include "shell.hpp"

namespace ssocred::cli {

struct Listener {
    std::string address;
    int port = 0;
};

// GET /v1/endpoint
struct EndpointInfo {
    std::vector<Listener> http;
    std::optional<std::string> token;
    std::optional<std::string> token_file;
    std::optional<std::string> region;        // the active role's region (its profile's own)
    std::optional<std::string> active_label;  // SSOCRED_PROFILE for the active role

    static EndpointInfo from_json(const nlohmann::json& j);
};

// POST /v1/tokens (201)
struct ScopedToken {
    std::string id;
    std::optional<std::string> token;
    std::optional<std::string> token_file;
    std::string account_id;
    std::string role_name;
    std::optional<std::string> profile;  // the profile that names the role, if any
    std::optional<std::string> region;   // that profile's own `region`, if it has one
    bool active = false;                 // the role is the daemon's active role

    static ScopedToken from_json(const nlohmann::json& j);
};

struct EnvRequest {
    bool imds = false;
    bool container = false;
    bool token_file = false;
    std::optional<std::string> profile;
    // The token's lifetime: a fixed one (`env --ttl`), else a sliding one of
    // kTokenIdleSeconds (each use moves it on), so no token the CLI mints lives forever.
    std::optional<long long> ttl_seconds;
    // `exec`: the daemon revokes the token when this process exits, even by kill -9.
    bool bind_to_client = false;
};

// How long a token `env` or `exec` mints stays valid unused (idle_seconds): one day.
inline constexpr long long kTokenIdleSeconds = 24 * 3600;

// What to bind-mount into a container so the token file path in the environment exists
// there too (same path inside and out, read-only).
struct TokenMount {
    std::string source;
    std::string target;
};

struct EnvPlan {
    std::vector<EnvOp> ops;
    std::optional<TokenMount> mount;    // --container only
    std::vector<std::string> warnings;  // always shown on stderr
    std::vector<std::string> notes;     // shown on stderr when it is a terminal
};

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
EnvLookup process_env();

// The address containers reach the daemon on (PROTOCOLS.md §9.1: SDKs allow it over http).
inline constexpr std::string_view kContainerHost = "169.254.170.2";

// The listener containers reach: the one bound to 169.254.170.2, else a wildcard 0.0.0.0
// listener (it answers on every local address, 169.254.170.2 included). None: nullptr.
const Listener* container_listener(const EndpointInfo& endpoint);

// Whether the daemon's listeners can serve `req` at all: a loopback listener, or for
// --container the 169.254.170.2 one. Checked before a scoped token is minted, so a failed
// `env` leaves no token behind; the message says what to run.
Status check_listeners(const EnvRequest& req, const EndpointInfo& endpoint);

// The directory to mount for a token file: its own directory when the daemon gives each
// file token one (<state-dir>/tokens/<id>/token), so the daemon's atomic rotation reaches
// the container (a bind-mounted single file pins the old inode); else the file itself.
TokenMount token_mount(std::string_view token_file);

// A token is minted for every request but --imds (which has no token): a scoped one for
// --profile and --container, else an active-role token (valid on /v1/credentials only,
// sliding expiry) - SDKs never get the main token, which reaches every role.
bool needs_scoped_token(const EnvRequest& req);
// The active-role case: no --profile, no --container, no --imds.
bool wants_active_role_token(const EnvRequest& req);
// The POST /v1/tokens body; `active` (GET /v1/active's role) scopes --container without
// --profile. `label` says which command minted it (shown by `ssocred tokens`).
nlohmann::json scoped_token_request(const EnvRequest& req, const nlohmann::json& active,
                                    std::string_view label);

// The flag combinations no daemon answer can make work (--imds with --profile,
// --token-file or --container): refused before anything is asked.
Status check_env_request(const EnvRequest& req);

Expected<EnvPlan> compose_env(const EnvRequest& req, const EndpointInfo& endpoint,
                              const std::optional<ScopedToken>& scoped, const EnvLookup& env);

// NO_PROXY/no_proxy lists merged, de-duplicated, with `host` appended when missing.
std::string merge_no_proxy(const std::optional<std::string>& upper,
                           const std::optional<std::string>& lower, std::string_view host);

}  // namespace ssocred::cli
