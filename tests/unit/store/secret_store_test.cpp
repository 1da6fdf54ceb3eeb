#include <cerrno>
#include <cstring>

#include <gtest/gtest.h>

#include "ssocred/crypto.hpp"

#include "platform/keyring_secret_store.hpp"
#include "store/file_secret_store.hpp"
#include "store/state_cipher.hpp"
#include "store_test_util.hpp"

#if defined(SSOCRED_HAVE_KEYUTILS)
#include <keyutils.h>
#endif

namespace ssocred {
namespace {

using test::mode_of;
using test::TempDir;

void exercise(SecretStore& store, const std::string& name) {
    auto missing = store.get(name);
    ASSERT_TRUE(missing) << missing.error().message;
    EXPECT_FALSE(*missing);

    const Secret value(std::string("binary\0value\xff", 13));
    ASSERT_TRUE(store.put(name, value));
    auto got = store.get(name);
    ASSERT_TRUE(got && *got);
    EXPECT_EQ(**got, value);

    ASSERT_TRUE(store.put(name, Secret(std::string("replaced"))));
    got = store.get(name);
    ASSERT_TRUE(got && *got);
    EXPECT_TRUE((*got)->equals("replaced"));

    ASSERT_TRUE(store.erase(name));
    got = store.get(name);
    ASSERT_TRUE(got);
    EXPECT_FALSE(*got);
    EXPECT_TRUE(store.erase(name));  // erasing a missing entry is fine
}

TEST(SecretNames, AreRestricted) {
    EXPECT_TRUE(is_valid_secret_name("state-key"));
    EXPECT_TRUE(is_valid_secret_name("a.b_c-1"));
    EXPECT_FALSE(is_valid_secret_name(""));
    EXPECT_FALSE(is_valid_secret_name(".hidden"));
    EXPECT_FALSE(is_valid_secret_name("../escape"));
    EXPECT_FALSE(is_valid_secret_name("a/b"));
    EXPECT_FALSE(is_valid_secret_name(std::string(129, 'a')));
}

TEST(FileSecretStore, RoundTripWithPrivateModes) {
    TempDir dir;
    FileSecretStore store(dir / "keys");
    exercise(store, "state-key");
    ASSERT_TRUE(store.put("state-key", Secret(std::string("x"))));
    EXPECT_EQ(mode_of(dir / "keys"), 0700u);
    EXPECT_EQ(mode_of(dir / "keys" / "state-key"), 0600u);
    EXPECT_EQ(test::list_dir(dir / "keys"), std::vector<std::string>{"state-key"});
    EXPECT_FALSE(store.put("../evil", Secret(std::string("x"))));
    EXPECT_FALSE(store.get("../evil"));
}

#if defined(SSOCRED_HAVE_KEYUTILS)
TEST(KeyringSecretStore, RoundTrip) {
    if (::keyctl_get_keyring_ID(KEY_SPEC_USER_KEYRING, 1) < 0) {
        const int err = errno;
        if (err == EPERM || err == ENOSYS || err == EACCES)
            GTEST_SKIP() << "kernel keyring unavailable in this sandbox (keyctl: "
                         << std::strerror(err) << ")";
    }
    ASSERT_TRUE(KeyringSecretStore::available());
    KeyringSecretStore store;
    // A unique name: the user keyring is shared by every process of this uid.
    exercise(store, "unit-test-" + crypto::random_hex(6));
}
#endif

TEST(StateCipher, SealsAndOpens) {
    const Secret key = state_cipher::generate_key();
    auto sealed = state_cipher::seal(key, "plain text", "aad");
    ASSERT_TRUE(sealed);
    EXPECT_EQ(sealed->size(), state_cipher::kNonceSize + 10 + state_cipher::kTagSize);
    EXPECT_EQ(sealed->find("plain"), std::string::npos);
    auto opened = state_cipher::open(key, *sealed, "aad");
    ASSERT_TRUE(opened);
    EXPECT_TRUE(opened->equals("plain text"));
    // Two seals of the same text differ (random nonce).
    EXPECT_NE(*state_cipher::seal(key, "plain text", "aad"), *sealed);
}

TEST(StateCipher, RejectsTamperingWrongAadAndWrongKey) {
    const Secret key = state_cipher::generate_key();
    auto sealed = state_cipher::seal(key, "plain text", "session-a");
    ASSERT_TRUE(sealed);
    EXPECT_FALSE(state_cipher::open(key, *sealed, "session-b"));
    EXPECT_FALSE(state_cipher::open(state_cipher::generate_key(), *sealed, "session-a"));
    std::string flipped = *sealed;
    flipped[state_cipher::kNonceSize] ^= 1;
    EXPECT_FALSE(state_cipher::open(key, flipped, "session-a"));
    EXPECT_FALSE(state_cipher::open(key, sealed->substr(0, 20), "session-a"));
    EXPECT_FALSE(state_cipher::seal(Secret(std::string("short")), "x", ""));
}

}  // namespace
}  // namespace ssocred
