// The state-key store on Linux and in the portable build: a FileSecretStore under
// `<state_dir>/keys`. Not the kernel keyring on Linux: it does not survive a reboot, so the
// key - and with it every saved session - would be lost at each boot (docs/storage.md).
#include "store/file_secret_store.hpp"
#include "store/secret_store.hpp"

namespace ssocred {

std::unique_ptr<SecretStore> make_state_key_store(const std::filesystem::path& state_dir) {
    return std::make_unique<FileSecretStore>(state_dir / "keys");
}

}  // namespace ssocred
