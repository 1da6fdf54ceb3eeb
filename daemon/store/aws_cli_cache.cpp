#include "store/aws_cli_cache.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
#include <system_error>
#include <thread>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "ssocred/errno_text.hpp"
#include "ssocred/json_fields.hpp"
#include "ssocred/paths.hpp"

#include "store/atomic_file.hpp"
#include "store/file_lock.hpp"
#include "store/json_wipe.hpp"

namespace ssocred {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxCacheFile = 1 << 20;

// Members are read through ssocred/json_fields.hpp: another tool wrote this file, so an
// absent or mistyped optional member reads as empty.
bool has_string(const json& j, const char* name) {
    return jf::string_view_member(j, name).has_value();
}

// Copied straight from the document into the Secret: no temporary copy is left behind.
Secret secret_or_empty(const json& j, const char* name) {
    return Secret(jf::string_view_member(j, name).value_or(std::string_view()));
}

// parse_utc plus the "...UTC" suffix that early AWS CLI v2 releases wrote
// ("2019-11-14T04:05:45UTC"), which dateutil - and so botocore - still accepts.
std::optional<SystemTime> parse_cache_time(std::string text) {
    if (text.size() > 3 && text.compare(text.size() - 3, 3, "UTC") == 0)
        text.replace(text.size() - 3, 3, "Z");
    return parse_utc(text);
}

std::optional<SystemTime> time_member(const json& j, const char* name) {
    auto text = jf::string_member(j, name);
    if (!text) return std::nullopt;
    return parse_cache_time(std::move(*text));
}

bool is_complete_token(const json& j) {
    const auto access_token = jf::string_view_member(j, "accessToken");
    return access_token && !access_token->empty() && time_member(j, "expiresAt").has_value();
}

bool is_complete_registration(const json& j) {
    return has_string(j, "clientId") && has_string(j, "clientSecret") &&
           time_member(j, "expiresAt").has_value();
}

// std::filesystem rather than stat(2): the nanoseconds are st_mtim on Linux but
// st_mtimespec on macOS.
SystemTime file_mtime(const std::filesystem::path& path) {
    std::error_code ec;
    const auto written = std::filesystem::last_write_time(path, ec);
    if (ec) return SystemTime{};
    return std::chrono::time_point_cast<SystemTime::duration>(
        std::chrono::file_clock::to_sys(written));
}

// One attempt: NotFound -> nullopt; unparseable or incomplete -> an empty json (discarded
// by the caller); else the document.
Expected<std::optional<json>> read_once(const std::filesystem::path& path,
                                        bool (*complete)(const json&)) {
    auto content = read_file(path, kMaxCacheFile);
    if (!content) {
        if (content.error().code == ErrorCode::NotFound) return std::optional<json>();
        if (content.error().code == ErrorCode::Invalid) return std::optional<json>(json());
        return std::move(content).error();
    }
    WipedString text(std::move(*content));
    try {
        json j = json::parse(*text);
        if (!complete(j)) {
            wipe_json(j);
            return std::optional<json>(json());
        }
        return std::optional<json>(std::move(j));
    } catch (const json::exception&) {
        // parse_error, and out_of_range for a number beyond double (1e400; found by
        // fuzz/aws_cli_cache - it escaped and terminated the daemon)
        return std::optional<json>(json());
    }
}

// Reads a cache file written by tools that may be rewriting it in place right now: a bad
// read is retried once after `delay`; a file still bad is logged by name and ignored.
Expected<std::optional<json>> read_tolerant(const std::filesystem::path& path,
                                            std::chrono::milliseconds delay,
                                            bool (*complete)(const json&)) {
    auto first = read_once(path, complete);
    if (!first || !*first || !(*first)->is_null()) return first;
    std::this_thread::sleep_for(delay);
    auto second = read_once(path, complete);
    if (!second || !*second || !(*second)->is_null()) return second;
    spdlog::warn("AWS CLI cache file {} is malformed or incomplete; ignoring it", path.string());
    return std::optional<json>();
}

TokenState token_from_json(const json& j, const std::string& session, SystemTime mtime) {
    TokenState s;
    s.session = session;
    s.start_url = jf::string_or(j, "startUrl");
    s.region = jf::string_or(j, "region");
    s.access_token = secret_or_empty(j, "accessToken");        // is_complete_token checked it
    s.access_token_expires_at = *time_member(j, "expiresAt");  // and this
    s.refresh_token = secret_or_empty(j, "refreshToken");
    s.issued_at = mtime;
    if (has_string(j, "clientId") && has_string(j, "clientSecret")) {
        ClientRegistration r;
        r.client_id = jf::string_or(j, "clientId");
        r.client_secret = secret_or_empty(j, "clientSecret");
        r.expires_at = time_member(j, "registrationExpiresAt").value_or(SystemTime{});
        s.registration = std::move(r);
    }
    return s;
}

// Creates the cache directory (0700) if it is missing; an existing one is left as is.
Status ensure_cache_dir(const std::filesystem::path& dir) {
    std::error_code ec;
    if (std::filesystem::is_directory(dir, ec)) return ok();
    if (dir.has_parent_path()) std::filesystem::create_directories(dir.parent_path(), ec);
    if (ec)
        return Error::make(ErrorCode::Io,
                           "cannot create " + dir.parent_path().string() + ": " + ec.message());
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        const int err = errno;
        return Error::make(ErrorCode::Io, "cannot create " + dir.string() + ": " + errno_text(err));
    }
    return ok();
}

// Replaces a secret member, wiping the old value first: assignment would free it unwiped.
void set_secret(json& j, const char* name, const std::string& value) {
    if (auto it = j.find(name); it != j.end()) wipe_json(*it);
    j[name] = value;
}

std::filesystem::path lock_path_for(const std::filesystem::path& file) {
    auto p = file;
    p += ".lock";
    return p;
}

// Callers hold the file's lock, so every other writer of `path` is outside
// write_file_atomic: a temporary of it now is a leftover of a killed writer.
Status write_json(const std::filesystem::path& path, const json& j) {
    remove_stale_temporaries(path.parent_path(), false, path.filename().string());
    try {
        WipedString text(j.dump());
        return write_file_atomic(path, *text, 0600);
    } catch (const json::exception&) {
        return Error::make(ErrorCode::Invalid,
                           "cannot serialise " + path.string() + " (invalid UTF-8)");
    }
}

}  // namespace

Expected<TokenState> aws_cli::parse_token_file(std::string_view text, const std::string& session) {
    try {
        WipedJson j(json::parse(text));
        if (!is_complete_token(*j))
            return Error::make(ErrorCode::Invalid,
                               "token cache file lacks accessToken or a valid expiresAt");
        return token_from_json(*j, session, SystemTime{});
    } catch (const json::parse_error& e) {
        // Position only: the parser's message quotes the bytes it read.
        return Error::make(ErrorCode::Invalid,
                           "token cache file is not JSON (byte " + std::to_string(e.byte) + ")");
    } catch (const json::exception&) {
        // out_of_range: a number beyond double (1e400; found by fuzz/aws_cli_cache). Its
        // message quotes the number, so it is not repeated.
        return Error::make(ErrorCode::Invalid, "token cache file holds an out-of-range number");
    }
}

bool aws_cli::is_newer_token(const TokenState& candidate, const TokenState& ours) {
    if (candidate.access_token_expires_at != ours.access_token_expires_at)
        return candidate.access_token_expires_at > ours.access_token_expires_at;
    return !(candidate.access_token == ours.access_token) && candidate.issued_at > ours.issued_at;
}

AwsCliCache::AwsCliCache(std::filesystem::path dir, std::chrono::milliseconds reread_delay,
                         Write write)
    : dir_(std::move(dir)), reread_delay_(reread_delay), write_(write) {}

AwsCliCache::AwsCliCache(Write write)
    : AwsCliCache(paths::aws_sso_cache_dir(), std::chrono::milliseconds(50), write) {}

std::size_t AwsCliCache::remove_stale_temporaries() const {
    std::vector<std::string> targets;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
        if (auto target = temporary_target(entry.path().filename().string()))
            targets.push_back(std::move(*target));
    }
    std::size_t removed = 0;
    for (const auto& target : targets) {
        auto lock = FileLock::acquire(lock_path_for(dir_ / target));
        if (!lock) continue;  // a writer holds it for long: leave its file alone
        removed += ::ssocred::remove_stale_temporaries(dir_, false, target);
    }
    return removed;
}

std::filesystem::path AwsCliCache::token_path(const std::string& session) const {
    return dir_ / (aws_cli::token_cache_key(session) + ".json");
}

Expected<std::optional<TokenState>> AwsCliCache::read_token(const std::string& session) const {
    const auto path = token_path(session);
    auto doc = read_tolerant(path, reread_delay_, is_complete_token);
    if (!doc) return std::move(doc).error();
    if (!*doc) return std::optional<TokenState>();
    WipedJson j(std::move(**doc));
    return std::optional<TokenState>(token_from_json(*j, session, file_mtime(path)));
}

Expected<AwsCliCache::WriteResult> AwsCliCache::write_token(const TokenState& state) const {
    if (state.session.empty() || !state.has_access_token())
        return Error::make(ErrorCode::Invalid,
                           "nothing to write to the AWS CLI cache: no session or no access token");
    if (auto st = ensure_cache_dir(dir_); !st) return std::move(st).error();
    const auto path = token_path(state.session);
    auto lock = FileLock::acquire(lock_path_for(path));
    if (!lock) return std::move(lock).error();

    // Re-read under the lock, immediately before writing: another ssocred waits for the
    // lock, and the CLI/SDKs may have replaced the file since our caller last looked.
    WipedJson merged(json::object());
    {
        auto existing = read_once(path, [](const json& j) { return j.is_object(); });
        if (!existing) return std::move(existing).error();
        if (*existing && (*existing)->is_null()) {
            // Possibly mid-rewrite by a tool that writes in place: give it a moment.
            std::this_thread::sleep_for(reread_delay_);
            existing = read_once(path, [](const json& j) { return j.is_object(); });
            if (!existing) return std::move(existing).error();
        }
        if (*existing && (*existing)->is_object())
            *merged = std::move(**existing);
        else if (*existing)
            spdlog::warn("AWS CLI cache file {} is malformed; replacing it", path.string());
    }
    if (is_complete_token(*merged)) {
        TokenState on_disk = token_from_json(*merged, state.session, file_mtime(path));
        if (aws_cli::is_newer_token(on_disk, state)) {
            WriteResult r;
            r.newer_on_disk = std::move(on_disk);
            return r;
        }
    }

    json& j = *merged;
    if (!state.start_url.empty()) j["startUrl"] = state.start_url;
    if (!state.region.empty()) j["region"] = state.region;
    set_secret(j, "accessToken", state.access_token.reveal());
    j["expiresAt"] = format_utc(state.access_token_expires_at);
    if (write_ == Write::TokenOnly) {
        // What only a refresh needs stays in our sealed store; a refresh token the CLI left
        // here was imported by the read before this write (SyncedSessionStore::load).
        for (const char* name :
             {"refreshToken", "clientSecret", "clientId", "registrationExpiresAt"}) {
            if (auto it = j.find(name); it != j.end()) {
                wipe_json(*it);
                j.erase(it);
            }
        }
    } else if (state.registration) {
        const auto& r = *state.registration;
        // A refresh token is bound to the client that obtained it: an old one from another
        // registration would only make the next refresh fail.
        if (state.refresh_token.empty() && jf::string_or(j, "clientId") != r.client_id)
            j.erase("refreshToken");
        j["clientId"] = r.client_id;
        set_secret(j, "clientSecret", r.client_secret.reveal());
        j["registrationExpiresAt"] = format_utc(r.expires_at);
    }
    if (write_ == Write::Full && !state.refresh_token.empty())
        set_secret(j, "refreshToken", state.refresh_token.reveal());
    // else (Full): keep the refreshToken already in the file (PROTOCOLS.md §12 item 26).

    if (auto st = write_json(path, j); !st) return std::move(st).error();
    WriteResult r;
    r.written = true;
    return r;
}

Status AwsCliCache::erase_token(const std::string& session) const {
    const auto path = token_path(session);
    std::error_code ec;
    if (!std::filesystem::is_directory(dir_, ec)) return ok();
    auto lock = FileLock::acquire(lock_path_for(path));
    if (!lock) return std::move(lock).error();
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        const int err = errno;
        return Error::make(ErrorCode::Io,
                           "cannot remove " + path.string() + ": " + errno_text(err));
    }
    return ok();
}

Expected<std::optional<ClientRegistration>> AwsCliCache::read_registration(
    const aws_cli::RegistrationKey& key) const {
    auto name = aws_cli::registration_cache_key(key);
    if (!name) return std::move(name).error();
    auto doc = read_tolerant(dir_ / (*name + ".json"), reread_delay_, is_complete_registration);
    if (!doc) return std::move(doc).error();
    if (!*doc) return std::optional<ClientRegistration>();
    WipedJson j(std::move(**doc));
    // Optional lists: absent reads as empty; anything but a list of strings makes the file
    // malformed. The message names the members, not their values.
    auto scopes = jf::string_array_member_or(*j, "scopes");
    auto grant_types = jf::string_array_member_or(*j, "grantTypes");
    if (!scopes || !grant_types) {
        spdlog::warn(
            "AWS CLI registration file {}.json is malformed (scopes or grantTypes is not a list "
            "of strings); ignoring it",
            *name);
        return std::optional<ClientRegistration>();
    }
    ClientRegistration r;  // is_complete_registration checked the members read with *
    r.client_id = jf::string_or(*j, "clientId");
    r.client_secret = secret_or_empty(*j, "clientSecret");
    r.expires_at = *time_member(*j, "expiresAt");
    r.scopes = std::move(*scopes);
    r.grant_types = std::move(*grant_types);
    return std::optional<ClientRegistration>(std::move(r));
}

Status AwsCliCache::write_registration(const aws_cli::RegistrationKey& key,
                                       const ClientRegistration& registration) const {
    auto name = aws_cli::registration_cache_key(key);
    if (!name) return std::move(name).error();
    if (auto st = ensure_cache_dir(dir_); !st) return st;
    const auto path = dir_ / (*name + ".json");
    auto lock = FileLock::acquire(lock_path_for(path));
    if (!lock) return std::move(lock).error();
    WipedJson merged(json::object());
    auto existing = read_once(path, [](const json& j) { return j.is_object(); });
    if (!existing) return std::move(existing).error();
    if (*existing && (*existing)->is_object()) *merged = std::move(**existing);

    json& j = *merged;
    j["clientId"] = registration.client_id;
    j["clientSecret"] = registration.client_secret.reveal();
    j["expiresAt"] = format_utc(registration.expires_at);
    // The CLI tells registration kinds apart by grantTypes' presence (§5.1): never leave a
    // stale member describing another kind.
    if (registration.scopes.empty())
        j.erase("scopes");
    else
        j["scopes"] = registration.scopes;
    if (registration.grant_types.empty())
        j.erase("grantTypes");
    else
        j["grantTypes"] = registration.grant_types;
    return write_json(path, j);
}

}  // namespace ssocred
