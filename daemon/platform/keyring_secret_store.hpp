// KeyringSecretStore: the Linux kernel key retention service, via libkeyutils.
//
// Entries are "user" keys described "ssocred:<name>" in the user keyring (@u), with
// permissions for the possessor and for our uid only (a daemon started by systemd does not
// necessarily *possess* @u through its session keyring, so user permissions are needed to
// read its own keys back). The kernel keyring lives in kernel memory, so a key never
// reaches the disk or swap - but it is gone after a reboot: never the only copy of
// anything that must survive one (docs/storage.md).
//
// Only compiled in when libkeyutils was found (SSOCRED_HAVE_KEYUTILS, which only the linux
// layer looks for: cmake/Dependencies.cmake). Not the default store of any layer
// (secret_store_<layer>.cpp): a tested backend kept for callers that want memory-only keys.
#pragma once

#if defined(SSOCRED_HAVE_KEYUTILS)

#include "store/secret_store.hpp"

namespace ssocred {

class KeyringSecretStore final : public SecretStore {
  public:
    // The kernel keyring can be missing (CONFIG_KEYS=n) or forbidden (seccomp in
    // containers, e.g. Docker's default profile): callers check this before relying on it.
    static bool available();

    Expected<std::optional<Secret>> get(const std::string& name) override;
    Status put(const std::string& name, const Secret& value) override;
    Status erase(const std::string& name) override;
    std::string_view backend_name() const override { return "keyring"; }
};

}  // namespace ssocred

#endif
