#include "store/session_store.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "ssocred/crypto.hpp"
#include "ssocred/errno_text.hpp"
#include "ssocred/json_fields.hpp"

#include "store/atomic_file.hpp"
#include "store/json_wipe.hpp"
#include "store/session_codec.hpp"
#include "store/state_cipher.hpp"

namespace ssocred {
namespace {

// "2026-11-23T09:40:00Z" -> "20261123T094000Z": no ':' in file names (they trip up some
// tools and every Windows share).
std::string compact_timestamp() {
    std::string s = format_utc(std::chrono::system_clock::now());
    std::erase(s, '-');
    std::erase(s, ':');
    return s;
}

}  // namespace

SessionStore::SessionStore(std::filesystem::path state_dir, std::shared_ptr<SecretStore> key_store)
    : state_dir_(std::move(state_dir)),
      sessions_dir_(state_dir_ / "sessions"),
      key_store_(std::move(key_store)) {
    // Constructed once at start-up, before anything in this process writes to the state
    // dir: temporaries found now were left by a process killed mid-write (kill -9, power
    // loss). The files they were meant to replace are intact (atomic rename).
    if (const auto n = remove_stale_temporaries(state_dir_, /*recursive=*/true); n > 0)
        spdlog::info("removed {} temporary file(s) left by an interrupted write", n);
}

std::filesystem::path SessionStore::path_for(const std::string& session) const {
    // Hashed: a session id may be a start URL, which is no file name.
    return sessions_dir_ / (crypto::sha1_hex(session) + ".json");
}

void SessionStore::set_corruption_handler(CorruptionHandler handler) {
    std::lock_guard lock(mutex_);
    on_corruption_ = std::move(handler);
}

Expected<std::optional<Secret>> SessionStore::state_key(bool create) {
    if (key_cache_) return key_cache_;
    if (!key_store_) return Error::make(ErrorCode::Internal, "session store has no key store");
    auto got = key_store_->get(kStateKeyName);
    if (!got) return std::move(got).error();
    if (*got) {
        if ((*got)->size() != state_cipher::kKeySize)
            return Error::make(ErrorCode::Invalid,
                               "the state key in the " + std::string(key_store_->backend_name()) +
                                   " store has the wrong size; remove it and log in again");
        key_cache_ = std::move(*got);
        return key_cache_;
    }
    if (!create) return std::optional<Secret>();
    Secret fresh = state_cipher::generate_key();
    if (auto st = key_store_->put(kStateKeyName, fresh); !st) return std::move(st).error();
    key_cache_ = std::move(fresh);
    return key_cache_;
}

void SessionStore::set_aside(const std::filesystem::path& path, const Error& why) {
    auto target = path;
    target += ".corrupt-" + compact_timestamp();
    // Two corruptions within a second must not overwrite the first set-aside copy.
    std::error_code ec;
    if (std::filesystem::exists(target, ec)) target += "-" + crypto::random_hex(3);
    if (::rename(path.c_str(), target.c_str()) != 0) {
        const int err = errno;
        spdlog::warn("session state {} is unreadable ({}) and could not be moved aside: {}",
                     path.string(), why.message, errno_text(err));
        target.clear();
    } else {
        spdlog::warn(
            "session state {} is unreadable ({}); moved to {}; the session needs a new login",
            path.string(), why.message, target.string());
    }
    if (on_corruption_) on_corruption_(target, why);
}

Expected<std::optional<TokenState>> SessionStore::load(const std::string& session) {
    std::lock_guard lock(mutex_);
    const auto path = path_for(session);
    auto read = read_file(path, std::size_t{256} * 1024);
    if (!read) {
        if (read.error().code == ErrorCode::NotFound) return std::optional<TokenState>();
        if (read.error().code == ErrorCode::Invalid) {  // larger than any state we write
            set_aside(path, read.error());
            return std::optional<TokenState>();
        }
        return std::move(read).error();
    }
    WipedString text(std::move(*read));

    WipedJson doc;
    try {
        *doc = nlohmann::json::parse(*text);
    } catch (const nlohmann::json::parse_error& e) {
        // Position only: what() quotes the bytes near the error, which may be a secret.
        set_aside(path, Error::make(ErrorCode::Invalid, "not valid JSON (truncated?) at byte " +
                                                            std::to_string(e.byte)));
        return std::optional<TokenState>();
    } catch (const nlohmann::json::exception&) {
        // out_of_range: a number beyond double (1e400; found by fuzz/state_file). It escaped
        // and terminated the daemon at start-up; the message quotes the number, so no what().
        set_aside(path, Error::make(ErrorCode::Invalid, "holds an out-of-range number"));
        return std::optional<TokenState>();
    }
    const auto version = jf::int_member(*doc, "version");
    if (!version) {
        set_aside(path, Error::make(ErrorCode::Invalid, "no integer \"version\" member"));
        return std::optional<TokenState>();
    }
    if (*version > kSessionStateVersion) {
        // Written by a newer ssocred: not corrupt, and a downgrade must not destroy it.
        spdlog::warn("session state {} has version {} (this ssocred reads {}); ignoring it",
                     path.string(), *version, kSessionStateVersion);
        return std::optional<TokenState>();
    }
    auto key = state_key(false);
    if (!key) return std::move(key).error();
    if (!*key) {
        set_aside(path, Error::make(ErrorCode::Invalid,
                                    "the state key is missing from the " +
                                        std::string(key_store_->backend_name()) + " store"));
        return std::optional<TokenState>();
    }
    auto state = decode_session_state(*doc, **key);
    if (!state) {
        set_aside(path, state.error());
        return std::optional<TokenState>();
    }
    if (state->session != session) {
        // sha1 collision is not a real risk; a file copied over another session's is.
        set_aside(path, Error::make(ErrorCode::Invalid, "file belongs to another session"));
        return std::optional<TokenState>();
    }
    return std::optional<TokenState>(std::move(*state));
}

Status SessionStore::save(const TokenState& state) {
    if (state.session.empty())
        return Error::make(ErrorCode::Invalid, "session state without a session id");
    std::lock_guard lock(mutex_);
    auto key = state_key(true);
    if (!key) return std::move(key).error();
    auto text = encode_session_state(state, **key);
    if (!text) return std::move(text).error();
    WipedString content(std::move(*text));
    if (auto st = ensure_private_dir(state_dir_); !st) return st;
    if (auto st = ensure_private_dir(sessions_dir_); !st) return st;
    return write_file_atomic(path_for(state.session), *content, 0600);
}

Status SessionStore::erase(const std::string& session) {
    std::lock_guard lock(mutex_);
    const auto path = path_for(session);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        const int err = errno;
        return Error::make(ErrorCode::Io,
                           "cannot remove " + path.string() + ": " + errno_text(err));
    }
    return ok();
}

}  // namespace ssocred
