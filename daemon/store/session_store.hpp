// SessionStore: ssocred's own durable copy of each SSO session's TokenState.
//
// One file per session, `<state-dir>/sessions/<sha1(session)>.json` (0600, directories
// 0700), replaced atomically (temp + fsync + rename), so `kill -9` at any moment leaves the
// old or the new state and a restart resumes without a new login. The secret members are
// sealed with AES-256-GCM under a key kept in a SecretStore (session_codec.hpp,
// docs/storage.md).
//
// Implements TokenPersistence (store/token_persistence.hpp), the SSO layer's store.
//
// A file that cannot be parsed or opened (truncated by a full disk, edited by hand, sealed
// with a key that is gone) is never silently dropped and never crashes the daemon: it is
// renamed to `<name>.corrupt-<UTC timestamp>`, a warning names the file (never its
// content), the corruption handler receives the Error, and load() answers "no state" so
// the session shows as "login required".
//
// Thread-safe: one mutex serialises the operations of one instance. One daemon per state
// dir is assumed (the control socket enforces it).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "ssocred/expected.hpp"

#include "store/secret_store.hpp"
#include "store/token_persistence.hpp"
#include "store/token_state.hpp"

namespace ssocred {

class SessionStore final : public TokenPersistence {
  public:
    // Name of the state-encryption key in the SecretStore.
    static constexpr const char* kStateKeyName = "state-key";

    using CorruptionHandler =
        std::function<void(const std::filesystem::path& moved_to, const Error& error)>;

    // `key_store` holds the state key (make_state_key_store(state_dir) in the daemon).
    SessionStore(std::filesystem::path state_dir, std::shared_ptr<SecretStore> key_store);

    // nullopt when there is no usable state for `session` (none saved, or the file was
    // corrupt and has been set aside). An Error only when the store cannot be read at all
    // (permissions, I/O, key store failure) - then the file is left untouched.
    Expected<std::optional<TokenState>> load(const std::string& session) override;
    Status save(const TokenState& state) override;
    // Removes the session's file; a missing file is not an error.
    Status erase(const std::string& session) override;

    // Called (under the store's lock, from the calling thread) whenever a file was set aside.
    void set_corruption_handler(CorruptionHandler handler);

    std::filesystem::path path_for(const std::string& session) const;
    const std::filesystem::path& sessions_dir() const { return sessions_dir_; }

  private:
    Expected<std::optional<Secret>> state_key(bool create);
    void set_aside(const std::filesystem::path& path, const Error& why);

    std::filesystem::path state_dir_;
    std::filesystem::path sessions_dir_;
    std::shared_ptr<SecretStore> key_store_;
    CorruptionHandler on_corruption_;
    std::optional<Secret> key_cache_;
    std::mutex mutex_;
};

}  // namespace ssocred
