#include "options.hpp"

#include <initializer_list>
#include <vector>

#include <gtest/gtest.h>

namespace ssocred {
namespace {

Expected<ParsedCommandLine> parse(std::initializer_list<const char*> args) {
    std::vector<const char*> argv{"ssocredd"};
    argv.insert(argv.end(), args);
    return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

TEST(Options, Defaults) {
    auto r = parse({});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->action, ParsedCommandLine::Action::Run);
    EXPECT_EQ(r->options.aws_cache, AwsCacheMode::Sync);
    EXPECT_FALSE(r->options.imds_v1);
    EXPECT_TRUE(r->options.listen.empty());
    EXPECT_EQ(r->options.socket.filename(), "ssocredd.sock");
}

TEST(Options, EveryFlagInBothSpellings) {
    auto r = parse({"--socket", "/tmp/s.sock", "--listen", "127.0.0.1:0", "--listen=[::1]:9000",
                    "--state-dir=/tmp/st", "--aws-cache=off", "--imds-v1", "--allow-cidr",
                    "172.17.0.0/16", "--log-level", "debug", "--log-format=json"});
    ASSERT_TRUE(r) << r.error().message;
    const auto& o = r->options;
    EXPECT_EQ(o.socket, "/tmp/s.sock");
    EXPECT_EQ(o.listen, (std::vector<std::string>{"127.0.0.1:0", "[::1]:9000"}));
    EXPECT_EQ(o.state_dir, "/tmp/st");
    EXPECT_EQ(o.aws_cache, AwsCacheMode::Off);
    EXPECT_TRUE(o.imds_v1);
    EXPECT_EQ(o.allow_cidrs, std::vector<std::string>{"172.17.0.0/16"});
    EXPECT_EQ(o.log_level, "debug");
    EXPECT_EQ(o.log_format, LogFormat::Json);
}

TEST(Options, AwsCacheModes) {
    EXPECT_EQ(parse({"--aws-cache=sync"})->options.aws_cache, AwsCacheMode::Sync);
    EXPECT_EQ(parse({"--aws-cache", "sync-full"})->options.aws_cache, AwsCacheMode::SyncFull);
    EXPECT_EQ(parse({"--aws-cache=off"})->options.aws_cache, AwsCacheMode::Off);
    EXPECT_STREQ(aws_cache_mode_name(AwsCacheMode::SyncFull), "sync-full");
    EXPECT_NE(usage_text().find("sync-full"), std::string::npos);
}

TEST(Options, HelpAndVersion) {
    EXPECT_EQ(parse({"--help"})->action, ParsedCommandLine::Action::PrintHelp);
    EXPECT_EQ(parse({"--version"})->action, ParsedCommandLine::Action::PrintVersion);
    EXPECT_NE(usage_text().find("--allow-cidr"), std::string::npos);
}

TEST(Options, UsageErrorsNameTheProblem) {
    for (auto args : {std::vector<const char*>{"--bogus"},
                      {"--listen"},
                      {"--aws-cache=maybe"},
                      {"--log-level", "loud"},
                      {"--log-format", "xml"},
                      {"--state-dir="}}) {
        std::vector<const char*> argv{"ssocredd"};
        argv.insert(argv.end(), args.begin(), args.end());
        auto r = parse_command_line(static_cast<int>(argv.size()), argv.data());
        ASSERT_FALSE(r) << args[0];
        EXPECT_EQ(r.error().code, ErrorCode::Invalid);
        EXPECT_NE(r.error().message.find("--help"), std::string::npos);
    }
}

}  // namespace
}  // namespace ssocred
