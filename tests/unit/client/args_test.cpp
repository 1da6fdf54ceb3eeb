#include "args.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "cli.hpp"
#include "commands.hpp"
#include "context.hpp"

namespace ssocred::cli {
namespace {

ParseResult parse(std::vector<std::string> argv) {
    return parse_command_line(argv, commands());
}

int run_cli(std::vector<std::string> argv, std::string* out = nullptr, std::string* err = nullptr) {
    std::ostringstream o, e;
    int rc = run(argv, o, e);
    if (out) *out = o.str();
    if (err) *err = e.str();
    return rc;
}

TEST(Args, ParsesCommandFlagsAndGlobals) {
    auto r = parse({"--socket", "/tmp/s", "env", "--profile=dev", "--shell", "fish", "--no-color"});
    ASSERT_TRUE(r.invocation) << r.error->message;
    EXPECT_EQ(r.invocation->command->name, "env");
    EXPECT_EQ(r.invocation->global.socket, "/tmp/s");
    EXPECT_TRUE(r.invocation->global.no_color);
    EXPECT_EQ(r.invocation->args.get("--profile"), "dev");
    EXPECT_EQ(r.invocation->args.get("--shell"), "fish");
    EXPECT_FALSE(r.invocation->args.has("--imds"));
}

TEST(Args, GlobalJsonAfterCommand) {
    auto r = parse({"status", "--json"});
    ASSERT_TRUE(r.invocation);
    EXPECT_TRUE(r.invocation->global.json);
}

TEST(Args, UsageErrors) {
    EXPECT_TRUE(parse({}).error);
    EXPECT_TRUE(parse({"frobnicate"}).error);
    EXPECT_TRUE(parse({"env", "--bogus"}).error);
    EXPECT_TRUE(parse({"env", "--profile"}).error);                 // missing value
    EXPECT_TRUE(parse({"env", "--shell", "tcsh"}).error);           // not a choice
    EXPECT_TRUE(parse({"env", "--imds", "--profile", "p"}).error);  // exclusive
    EXPECT_TRUE(parse({"env", "--imds", "--token-file"}).error);
    EXPECT_TRUE(parse({"login", "--sso-session", "a", "--profile", "b"}).error);
    EXPECT_TRUE(parse({"logout", "--all", "--sso-session", "a"}).error);
    EXPECT_TRUE(parse({"status", "extra"}).error);
    EXPECT_TRUE(parse({"completion"}).error);
    EXPECT_FALSE(parse({"exec"}).error);                         // no command: a shell for the role
    EXPECT_TRUE(parse({"env", "--imds", "--ttl", "60"}).error);  // no token to give a ttl
    EXPECT_TRUE(parse({"exec", "--json", "--", "true"}).error);  // no --json for exec
    EXPECT_TRUE(parse({"--imds", "env"}).error);  // command flags go after the command
    EXPECT_TRUE(parse({"status", "--json=1"}).error);
    EXPECT_TRUE(parse({"--socket"}).error);
}

TEST(Args, TyposGetDidYouMean) {
    std::string err;
    EXPECT_EQ(run_cli({"stauts"}, nullptr, &err), kExitUsage);
    EXPECT_NE(err.find("did you mean 'status'?"), std::string::npos) << err;
    err.clear();
    EXPECT_EQ(run_cli({"env", "--profiel", "x"}, nullptr, &err), kExitUsage);
    EXPECT_NE(err.find("did you mean '--profile'?"), std::string::npos) << err;
    err.clear();
    EXPECT_EQ(run_cli({"help", "lsit"}, nullptr, &err), kExitUsage);
    EXPECT_NE(err.find("did you mean 'list'?"), std::string::npos) << err;
    EXPECT_EQ(err.find("ssocred help `"), std::string::npos) << err;  // no empty command name
}

TEST(Args, UsageErrorsExitTwo) {
    std::string err;
    EXPECT_EQ(run_cli({"env", "--bogus"}, nullptr, &err), kExitUsage);
    EXPECT_NE(err.find("unknown flag --bogus"), std::string::npos);
    EXPECT_NE(err.find("ssocred help env"), std::string::npos);
    EXPECT_EQ(run_cli({}), kExitUsage);
    EXPECT_EQ(run_cli({"nope"}), kExitUsage);
    EXPECT_EQ(run_cli({"tokens", "frob"}), kExitUsage);
    EXPECT_EQ(run_cli({"help", "nope"}), kExitUsage);
}

TEST(Args, ExecKeepsChildFlags) {
    auto r = parse({"exec", "--profile", "dev", "aws", "s3", "ls", "--debug", "--json"});
    ASSERT_TRUE(r.invocation) << r.error->message;
    EXPECT_EQ(r.invocation->args.get("--profile"), "dev");
    EXPECT_EQ(r.invocation->args.positional(),
              (std::vector<std::string>{"aws", "s3", "ls", "--debug", "--json"}));
    EXPECT_FALSE(r.invocation->global.json);

    auto dd = parse({"exec", "--", "env", "--imds"});
    ASSERT_TRUE(dd.invocation);
    EXPECT_EQ(dd.invocation->args.positional(), (std::vector<std::string>{"env", "--imds"}));
}

TEST(Args, HelpAndVersion) {
    std::string out;
    EXPECT_EQ(run_cli({"--version"}, &out), kExitOk);
    EXPECT_EQ(out.rfind("ssocred ", 0), 0u);
    for (const auto& c : commands()) {
        std::string a, b;
        EXPECT_EQ(run_cli({std::string(c.name), "--help"}, &a), kExitOk) << c.name;
        EXPECT_EQ(run_cli({"help", std::string(c.name)}, &b), kExitOk) << c.name;
        EXPECT_EQ(a.rfind("Usage: ssocred " + std::string(c.name), 0), 0u) << a;
        if (c.name != "help") {
            EXPECT_EQ(a, b);
        }
    }
    EXPECT_EQ(run_cli({"--help"}, &out), kExitOk);
    EXPECT_NE(out.find("credential-process"), std::string::npos);
}

TEST(ExitCodes, Mapping) {
    Error down = Error::make(ErrorCode::Io, "x");
    down.upstream_type = std::string(kDaemonNotRunning);
    EXPECT_EQ(exit_code_for(down), kExitDaemonDown);
    EXPECT_EQ(exit_code_for(Error::make(ErrorCode::LoginRequired, "x")), kExitFailure);
    EXPECT_EQ(exit_code_for(Error::make(ErrorCode::NotFound, "x")), kExitFailure);
}

TEST(ExitCodes, DaemonDownIsThree) {
    std::string err;
    EXPECT_EQ(run_cli({"--socket", "/nonexistent/ssocred.sock", "status"}, nullptr, &err),
              kExitDaemonDown);
    EXPECT_EQ(err, "ssocred: " + daemon_down_message() + "\n");
}

}  // namespace
}  // namespace ssocred::cli
