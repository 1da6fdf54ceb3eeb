// The state-key store on macOS: the login Keychain (generic passwords, service "ssocred",
// account = entry name), durable and encrypted by the login keychain. Needs Security.framework
// and CoreFoundation (linked in daemon/CMakeLists.txt on Apple): the one platform file the
// macOS compile check (scripts/check-macos.sh) cannot compile, so it stays this small.
#include <CoreFoundation/CoreFoundation.h>
#include <Security/Security.h>

#include "store/secret_store.hpp"

namespace ssocred {
namespace {

constexpr const char* kService = "ssocred";

// Releases a CoreFoundation object on scope exit.
template <class T>
struct CfRef {
    T ref = nullptr;
    ~CfRef() {
        if (ref != nullptr) CFRelease(ref);
    }
};

CFStringRef cf_string(const std::string& s) {
    return CFStringCreateWithBytes(nullptr, reinterpret_cast<const UInt8*>(s.data()),
                                   static_cast<CFIndex>(s.size()), kCFStringEncodingUTF8, false);
}

// The query that names one entry: class, service, account.
CFMutableDictionaryRef base_query(CFStringRef service, CFStringRef account) {
    CFMutableDictionaryRef q = CFDictionaryCreateMutable(nullptr, 0, &kCFTypeDictionaryKeyCallBacks,
                                                         &kCFTypeDictionaryValueCallBacks);
    CFDictionarySetValue(q, kSecClass, kSecClassGenericPassword);
    CFDictionarySetValue(q, kSecAttrService, service);
    CFDictionarySetValue(q, kSecAttrAccount, account);
    return q;
}

Error keychain_error(const char* what, OSStatus status) {
    return Error::make(ErrorCode::Io, std::string("keychain: cannot ") + what + " (OSStatus " +
                                          std::to_string(status) + ")");
}

class KeychainSecretStore final : public SecretStore {
  public:
    Expected<std::optional<Secret>> get(const std::string& name) override;
    Status put(const std::string& name, const Secret& value) override;
    Status erase(const std::string& name) override;
    std::string_view backend_name() const override { return "keychain"; }
};

Expected<std::optional<Secret>> KeychainSecretStore::get(const std::string& name) {
    if (!is_valid_secret_name(name)) return Error::make(ErrorCode::Invalid, "invalid secret name");
    CfRef<CFStringRef> service{cf_string(kService)};
    CfRef<CFStringRef> account{cf_string(name)};
    CfRef<CFMutableDictionaryRef> query{base_query(service.ref, account.ref)};
    CFDictionarySetValue(query.ref, kSecReturnData, kCFBooleanTrue);
    CFDictionarySetValue(query.ref, kSecMatchLimit, kSecMatchLimitOne);
    CfRef<CFTypeRef> result;
    const OSStatus st = SecItemCopyMatching(query.ref, &result.ref);
    if (st == errSecItemNotFound) return std::optional<Secret>();
    if (st != errSecSuccess) return keychain_error("read", st);
    const auto data = static_cast<CFDataRef>(result.ref);
    return std::optional<Secret>(
        Secret(std::string(reinterpret_cast<const char*>(CFDataGetBytePtr(data)),
                           static_cast<std::size_t>(CFDataGetLength(data)))));
}

Status KeychainSecretStore::put(const std::string& name, const Secret& value) {
    if (!is_valid_secret_name(name)) return Error::make(ErrorCode::Invalid, "invalid secret name");
    CfRef<CFStringRef> service{cf_string(kService)};
    CfRef<CFStringRef> account{cf_string(name)};
    CfRef<CFMutableDictionaryRef> query{base_query(service.ref, account.ref)};
    CfRef<CFDataRef> data{CFDataCreate(nullptr,
                                       reinterpret_cast<const UInt8*>(value.reveal().data()),
                                       static_cast<CFIndex>(value.size()))};
    CfRef<CFMutableDictionaryRef> update{CFDictionaryCreateMutable(
        nullptr, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks)};
    CFDictionarySetValue(update.ref, kSecValueData, data.ref);
    OSStatus st = SecItemUpdate(query.ref, update.ref);
    if (st == errSecItemNotFound) {
        CFDictionarySetValue(query.ref, kSecValueData, data.ref);
        // Readable only while the Mac is unlocked, never synced to other devices.
        CFDictionarySetValue(query.ref, kSecAttrAccessible,
                             kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly);
        st = SecItemAdd(query.ref, nullptr);
    }
    if (st != errSecSuccess) return keychain_error("store", st);
    return ok();
}

Status KeychainSecretStore::erase(const std::string& name) {
    if (!is_valid_secret_name(name)) return Error::make(ErrorCode::Invalid, "invalid secret name");
    CfRef<CFStringRef> service{cf_string(kService)};
    CfRef<CFStringRef> account{cf_string(name)};
    CfRef<CFMutableDictionaryRef> query{base_query(service.ref, account.ref)};
    const OSStatus st = SecItemDelete(query.ref);
    if (st != errSecSuccess && st != errSecItemNotFound) return keychain_error("erase", st);
    return ok();
}

}  // namespace

std::unique_ptr<SecretStore> make_state_key_store(const std::filesystem::path&) {
    return std::make_unique<KeychainSecretStore>();
}

}  // namespace ssocred
