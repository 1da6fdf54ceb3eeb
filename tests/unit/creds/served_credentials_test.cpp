#include "creds/served_credentials.hpp"

#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "creds_test_support.hpp"

namespace ssocred::creds_test {
namespace {

using namespace std::chrono_literals;

RoleCredentials sample() {
    RoleCredentials c;
    c.role = role("123456789012", "Admin");
    c.access_key_id = "ASIAEXAMPLE";
    c.secret_access_key = Secret(std::string("se\"cr\\et"));
    c.session_token = Secret(std::string("tok"));
    c.expiration = from_epoch_seconds(1'800'003'600);
    c.issued_at = from_epoch_seconds(1'800'000'000);
    return c;
}

TEST(ServedCredentials, ContainerBodyIsExact) {
    auto s = make_served_credentials(sample());
    EXPECT_EQ(s->container_json,
              R"({"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"se\"cr\\et","Token":"tok",)"
              R"("Expiration":"2027-01-15T09:00:00Z","AccountId":"123456789012",)"
              R"("RoleArn":"arn:aws:iam::123456789012:role/Admin"})");
}

TEST(ServedCredentials, ImdsBodiesAreExact) {
    auto s = make_served_credentials(sample());
    EXPECT_EQ(s->imds_json,
              R"({"Code":"Success","LastUpdated":"2027-01-15T08:00:00Z","Type":"AWS-HMAC",)"
              R"("AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"se\"cr\\et","Token":"tok",)"
              R"("Expiration":"2027-01-15T09:00:00Z"})");
    EXPECT_EQ(s->imds_extended_json,
              R"({"Code":"Success","LastUpdated":"2027-01-15T08:00:00Z","Type":"AWS-HMAC",)"
              R"("AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"se\"cr\\et","Token":"tok",)"
              R"("Expiration":"2027-01-15T09:00:00Z","AccountId":"123456789012"})");
    EXPECT_NE(s->container_json.back(), '\n');
}

TEST(ServedCredentials, ControlCharactersAreEscaped) {
    auto c = sample();
    c.access_key_id = std::string("A\nB\x01", 4);
    auto s = make_served_credentials(std::move(c));
    EXPECT_NE(s->container_json.find(R"("A\u000aB\u0001")"), std::string::npos);
}

// Runs a renew / fail / expire / recover cycle with every log level on and checks that no
// secret reaches the log.
TEST_F(EngineTest, NoSecretInAnyLogLine) {
    std::ostringstream out;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
    auto previous = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);

    make();
    ASSERT_TRUE(get(role()));
    fetcher.fail_with(Error::make(ErrorCode::Timeout, "timed out"));
    advance(2h, 1min);
    EXPECT_FALSE(get(role()));
    fetcher.fail_with(std::nullopt);
    advance(10min, 1min);
    ASSERT_TRUE(engine->set_active_role(role(), "dev"));
    engine->invalidate("corp");
    drain();

    spdlog::set_default_logger(previous);
    const std::string text = out.str();
    EXPECT_FALSE(text.empty());
    EXPECT_EQ(text.find(kSecret), std::string::npos);
    EXPECT_EQ(text.find(kToken), std::string::npos);
    EXPECT_EQ(text.find("SecretAccessKey"), std::string::npos);
}

}  // namespace
}  // namespace ssocred::creds_test
