#include "store/state_cipher.hpp"

#include <memory>

#include <openssl/evp.h>

#include "ssocred/crypto.hpp"

namespace ssocred::state_cipher {
namespace {

struct CtxFree {
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes(std::string& s) {
    return reinterpret_cast<unsigned char*>(s.data());
}

Error openssl_error(const char* what) {
    return Error::make(ErrorCode::Internal, std::string("AES-256-GCM: ") + what + " failed");
}

}  // namespace

Secret generate_key() {
    return Secret(crypto::random_bytes(kKeySize));
}

Expected<std::string> seal(const Secret& key, std::string_view plaintext, std::string_view aad) {
    if (key.size() != kKeySize)
        return Error::make(ErrorCode::Invalid, "state key has the wrong size");
    Ctx ctx(EVP_CIPHER_CTX_new());
    if (!ctx) return openssl_error("context allocation");
    // A random 96-bit nonce per seal: keys seal a handful of files per hour, far below the
    // 2^32 messages where random GCM nonces start to risk a collision.
    const std::string nonce = crypto::random_bytes(kNonceSize);
    std::string out(kNonceSize + plaintext.size() + kTagSize, '\0');
    out.replace(0, kNonceSize, nonce);
    int len = 0;
    if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceSize),
                            nullptr) != 1 ||
        EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key.reveal()), bytes(nonce)) != 1)
        return openssl_error("init");
    if (!aad.empty() &&
        EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(aad), static_cast<int>(aad.size())) != 1)
        return openssl_error("aad");
    if (EVP_EncryptUpdate(ctx.get(), bytes(out) + kNonceSize, &len, bytes(plaintext),
                          static_cast<int>(plaintext.size())) != 1)
        return openssl_error("encrypt");
    int final_len = 0;
    if (EVP_EncryptFinal_ex(ctx.get(), bytes(out) + kNonceSize + len, &final_len) != 1)
        return openssl_error("finish");
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                            bytes(out) + kNonceSize + plaintext.size()) != 1)
        return openssl_error("tag");
    return out;
}

Expected<Secret> open(const Secret& key, std::string_view sealed, std::string_view aad) {
    if (key.size() != kKeySize)
        return Error::make(ErrorCode::Invalid, "state key has the wrong size");
    if (sealed.size() < kNonceSize + kTagSize)
        return Error::make(ErrorCode::Invalid, "sealed data is truncated");
    const std::string_view nonce = sealed.substr(0, kNonceSize);
    const std::string_view cipher =
        sealed.substr(kNonceSize, sealed.size() - kNonceSize - kTagSize);
    std::string tag(sealed.substr(sealed.size() - kTagSize));
    Ctx ctx(EVP_CIPHER_CTX_new());
    if (!ctx) return openssl_error("context allocation");
    int len = 0;
    if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceSize),
                            nullptr) != 1 ||
        EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key.reveal()), bytes(nonce)) != 1)
        return openssl_error("init");
    if (!aad.empty() &&
        EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(aad), static_cast<int>(aad.size())) != 1)
        return openssl_error("aad");
    // Decrypt into a plain string and move its buffer into a Secret (no copy is made); on
    // failure the partial plaintext is wiped before the buffer is freed.
    std::string plain(cipher.size(), '\0');
    auto fail = [&](Error e) {
        secure_wipe(plain);
        return e;
    };
    if (EVP_DecryptUpdate(ctx.get(), bytes(plain), &len, bytes(cipher),
                          static_cast<int>(cipher.size())) != 1)
        return fail(openssl_error("decrypt"));
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize),
                            bytes(tag)) != 1)
        return fail(openssl_error("tag"));
    int final_len = 0;
    if (EVP_DecryptFinal_ex(ctx.get(), bytes(plain) + len, &final_len) != 1)
        return fail(
            Error::make(ErrorCode::Invalid,
                        "sealed data failed authentication (altered, or sealed with another key)"));
    return Secret(std::move(plain));
}

}  // namespace ssocred::state_cipher
