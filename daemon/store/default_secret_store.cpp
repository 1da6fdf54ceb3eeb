// Chooses the backend for the state-encryption key; rationale in secret_store.hpp and
// docs/storage.md ("Secret storage").
#include "store/file_secret_store.hpp"
#include "store/keychain_secret_store.hpp"
#include "store/secret_store.hpp"

namespace ssocred {

std::unique_ptr<SecretStore> make_state_key_store(const std::filesystem::path& state_dir) {
#if defined(__APPLE__)
    (void)state_dir;
    return std::make_unique<KeychainSecretStore>();
#else
    return std::make_unique<FileSecretStore>(state_dir / "keys");
#endif
}

}  // namespace ssocred
