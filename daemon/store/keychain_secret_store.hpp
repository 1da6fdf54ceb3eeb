// KeychainSecretStore: the macOS login Keychain (generic passwords, service "ssocred",
// account = entry name). Durable and encrypted by the login keychain.
//
// Compiled only on Apple platforms; the build must link "-framework Security" and
// "-framework CoreFoundation" there. Not exercised by the Linux test suite.
#pragma once

#if defined(__APPLE__)

#include "store/secret_store.hpp"

namespace ssocred {

class KeychainSecretStore final : public SecretStore {
  public:
    Expected<std::optional<Secret>> get(const std::string& name) override;
    Status put(const std::string& name, const Secret& value) override;
    Status erase(const std::string& name) override;
    std::string_view backend_name() const override { return "keychain"; }
};

}  // namespace ssocred

#endif
