// SecretStore: get/put/erase small named secret blobs (keys, tokens).
//
// Backends:
//   FileSecretStore     - one 0600 file per entry in a 0700 directory; durable.
//   KeyringSecretStore  - Linux kernel keyring (@u, type "user", "ssocred:<name>");
//                         NOT durable: the kernel forgets it at reboot
//                         (platform/keyring_secret_store.hpp).
//   KeychainSecretStore - macOS login Keychain (generic password); durable
//                         (platform/secret_store_macos.cpp).
// Which one holds what, and why, is in docs/storage.md ("Secret storage").
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ssocred/expected.hpp"
#include "ssocred/secret.hpp"

namespace ssocred {

class SecretStore {
  public:
    virtual ~SecretStore() = default;
    // nullopt when no entry of that name exists; an Error only when the backend failed.
    virtual Expected<std::optional<Secret>> get(const std::string& name) = 0;
    virtual Status put(const std::string& name, const Secret& value) = 0;
    // Erasing a missing entry is not an error.
    virtual Status erase(const std::string& name) = 0;
    // For logs and `ssocred doctor`: "file", "keyring", "keychain".
    virtual std::string_view backend_name() const = 0;
};

// Entry names are [A-Za-z0-9._-]{1,128} and do not start with '.', so every backend can use
// them verbatim (file name, key description, keychain account).
bool is_valid_secret_name(std::string_view name);

// The store that holds the state-encryption key (see SessionStore), chosen by the OS layer
// (platform/secret_store_<layer>.cpp): the macOS Keychain on macOS, else a FileSecretStore
// under `<state_dir>/keys`. The kernel keyring is
// deliberately not the default on Linux: it does not survive a reboot, so the key - and
// with it every saved session - would be lost at each boot (docs/storage.md).
std::unique_ptr<SecretStore> make_state_key_store(const std::filesystem::path& state_dir);

}  // namespace ssocred
