// Inputs the fuzz targets found (fuzz/regressions/<target>/), fed through the same API the
// target calls. Each file's first byte is the target's mode byte; the rest is the file.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "serve/endpoint_tokens.hpp"
#include "store/atomic_file.hpp"
#include "store/aws_cli_cache.hpp"
#include "store/file_secret_store.hpp"
#include "store/session_codec.hpp"
#include "store/session_store.hpp"
#include "store/state_cipher.hpp"
#include "store_test_util.hpp"

namespace ssocred {
namespace {

// The reproducer's content without the mode byte.
std::string reproducer(const std::string& target, const std::string& name) {
    const auto path =
        std::filesystem::path(SSOCRED_SOURCE_DIR) / "fuzz" / "regressions" / target / name;
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    const std::string text = s.str();
    EXPECT_FALSE(text.empty()) << "missing reproducer " << path;
    return text.empty() ? text : text.substr(1);
}

// Year 9999 does not fit SystemTime (int64 nanoseconds end in 2262): the conversion
// overflowed (UB) before parse_utc learnt its range. The file is now "no usable token".
TEST(FuzzRegressions, CliCacheExpiryBeyondSystemTimeIsInvalid) {
    auto r = aws_cli::parse_token_file(reproducer("aws_cli_cache", "expires_at_year_9999"), "dev");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::Invalid);
}

TEST(FuzzRegressions, StateFileExpiryBeyondSystemTimeIsInvalid) {
    auto doc = nlohmann::json::parse(reproducer("state_file", "access_token_expires_year_9999"));
    auto r = decode_session_state(doc, Secret(std::string(state_cipher::kKeySize, 'k')));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::Invalid);
}

TEST(FuzzRegressions, EndpointTokenRegistryWithExpiryBeyondSystemTimeLoadsWithoutThatToken) {
    test::TempDir dir;
    ASSERT_TRUE(write_file_atomic(dir.path() / "endpoint-tokens.json",
                                  reproducer("state_file", "endpoint_token_expires_year_9999"),
                                  0600));
    const ManualClock clock(*parse_utc("2026-11-23T09:00:00Z"));
    auto tokens = serve::EndpointTokens::open(dir.path(), clock);
    // The registry still loads (one bad member must not lock out every scoped token), but
    // the member whose expiry cannot be represented is dropped: an expiry that cannot be
    // read must not turn into "never expires" (TokensTest.TamperedRegistryEntriesFailClosed).
    ASSERT_TRUE(tokens) << tokens.error().message;
    EXPECT_TRUE((*tokens)->list().empty());
}

// A number beyond double (1e400) makes nlohmann throw out_of_range, not parse_error: it
// escaped the readers' catch and terminated the daemon. Now such a file is unusable data.
TEST(FuzzRegressions, CliCacheNumberOverflowIsInvalid) {
    auto r = aws_cli::parse_token_file(reproducer("aws_cli_cache", "number_overflow_parse"), "dev");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::Invalid);
    auto found =
        aws_cli::parse_token_file(reproducer("aws_cli_cache", "number_overflow_found"), "dev");
    EXPECT_FALSE(found);
}

TEST(FuzzRegressions, CliCacheReadAndMergeSurviveNumberOverflow) {
    test::TempDir dir;
    const AwsCliCache cache(dir.path(), std::chrono::milliseconds(0));
    ASSERT_TRUE(write_file_atomic(cache.token_path("dev"),
                                  reproducer("aws_cli_cache", "number_overflow_read_token"), 0600));
    auto read = cache.read_token("dev");
    ASSERT_TRUE(read);
    EXPECT_FALSE(read->has_value());  // ignored, like any malformed file

    ASSERT_TRUE(write_file_atomic(
        cache.token_path("dev"), reproducer("aws_cli_cache", "number_overflow_write_merge"), 0600));
    auto state = test::sample_state("dev");
    auto written = cache.write_token(state);
    ASSERT_TRUE(written) << written.error().message;
    EXPECT_TRUE(written->written);  // the malformed file is replaced
    auto back = cache.read_token("dev");
    ASSERT_TRUE(back && back->has_value());
    EXPECT_EQ((*back)->access_token, state.access_token);
}

TEST(FuzzRegressions, StateFileNumberOverflowIsSetAside) {
    test::TempDir dir;
    SessionStore store(dir.path() / "state",
                       std::make_shared<FileSecretStore>(dir.path() / "state" / "keys"));
    std::filesystem::create_directories(store.sessions_dir());
    ASSERT_TRUE(write_file_atomic(store.path_for("dev"),
                                  reproducer("state_file", "number_overflow_load"), 0600));
    int corrupt = 0;
    store.set_corruption_handler([&](const std::filesystem::path&, const Error&) { ++corrupt; });
    auto loaded = store.load("dev");
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_FALSE(loaded->has_value());
    EXPECT_EQ(corrupt, 1);
    EXPECT_FALSE(std::filesystem::exists(store.path_for("dev")));
}

}  // namespace
}  // namespace ssocred
