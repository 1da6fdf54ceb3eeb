#include "platform/keyring_secret_store.hpp"

#include "ssocred/errno_text.hpp"

#if defined(SSOCRED_HAVE_KEYUTILS)

#include <cerrno>
#include <cstdlib>
#include <keyutils.h>
#include <memory>

namespace ssocred {
namespace {

constexpr const char* kKeyType = "user";

std::string description(const std::string& name) {
    return "ssocred:" + name;
}

Error keyring_error(const char* what, const std::string& name, int err) {
    return Error::make(ErrorCode::Io, std::string("kernel keyring: cannot ") + what +
                                          " ssocred:" + name + ": " + errno_text(err));
}

// keyctl_read_alloc hands back a malloc'ed payload: wipe it before it returns to malloc.
struct WipeAndFree {
    std::size_t size;
    void operator()(void* p) const noexcept {
        secure_wipe(p, size);
        std::free(p);  // NOLINT(cppcoreguidelines-no-malloc,cppcoreguidelines-owning-memory):
                       // libkeyutils' allocation
    }
};

// -1 with errno ENOKEY when absent.
key_serial_t find(const std::string& name) {
    return static_cast<key_serial_t>(
        ::keyctl_search(KEY_SPEC_USER_KEYRING, kKeyType, description(name).c_str(), 0));
}

}  // namespace

bool KeyringSecretStore::available() {
    // Asks for the ID of the user keyring, creating it if needed; ENOSYS (no keyring in
    // the kernel), EPERM/EACCES (seccomp or LSM) mean the backend cannot work here.
    return ::keyctl_get_keyring_ID(KEY_SPEC_USER_KEYRING, 1) >= 0;
}

Expected<std::optional<Secret>> KeyringSecretStore::get(const std::string& name) {
    if (!is_valid_secret_name(name)) return Error::make(ErrorCode::Invalid, "invalid secret name");
    const key_serial_t id = find(name);
    if (id < 0) {
        if (errno == ENOKEY || errno == EKEYREVOKED || errno == EKEYEXPIRED)
            return std::optional<Secret>();
        return keyring_error("search for", name, errno);
    }
    void* raw = nullptr;
    const long n = ::keyctl_read_alloc(id, &raw);
    if (n < 0) {
        if (errno == ENOKEY || errno == EKEYREVOKED || errno == EKEYEXPIRED)
            return std::optional<Secret>();
        return keyring_error("read", name, errno);
    }
    const auto size = static_cast<std::size_t>(n);
    const std::unique_ptr<void, WipeAndFree> payload(raw, WipeAndFree{size});
    return std::optional<Secret>(Secret(std::string(static_cast<const char*>(raw), size)));
}

Status KeyringSecretStore::put(const std::string& name, const Secret& value) {
    if (!is_valid_secret_name(name)) return Error::make(ErrorCode::Invalid, "invalid secret name");
    // add_key updates the payload in place when a key of that type and description is
    // already linked into the keyring, so a put replaces atomically.
    const key_serial_t id = ::add_key(kKeyType, description(name).c_str(), value.reveal().data(),
                                      value.size(), KEY_SPEC_USER_KEYRING);
    if (id < 0) return keyring_error("store", name, errno);
    const key_perm_t perm = KEY_POS_ALL | KEY_USR_VIEW | KEY_USR_READ | KEY_USR_WRITE |
                            KEY_USR_SEARCH | KEY_USR_LINK | KEY_USR_SETATTR;
    if (::keyctl_setperm(id, perm) != 0) return keyring_error("set permissions of", name, errno);
    return ok();
}

Status KeyringSecretStore::erase(const std::string& name) {
    if (!is_valid_secret_name(name)) return Error::make(ErrorCode::Invalid, "invalid secret name");
    const key_serial_t id = find(name);
    if (id < 0) {
        if (errno == ENOKEY || errno == EKEYREVOKED || errno == EKEYEXPIRED) return ok();
        return keyring_error("search for", name, errno);
    }
    // Invalidate rather than unlink: it destroys the payload now, even if another keyring
    // still links the key.
    if (::keyctl_invalidate(id) != 0 && errno != ENOKEY) return keyring_error("erase", name, errno);
    return ok();
}

}  // namespace ssocred

#endif
