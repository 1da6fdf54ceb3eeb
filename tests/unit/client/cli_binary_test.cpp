// Runs the built `ssocred` against tests/integration/fake_control.py, a stand-in for the
// daemon's control socket, and checks what users and scripts see.
#include <chrono>
#include <fstream>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sstream>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "subprocess.hpp"

namespace ssocred::testing {
namespace {

using nlohmann::json;

class FakeDaemon : public ::testing::Test {
  protected:
    void start(std::vector<std::string> extra = {}) {
        auto python = which("python3");
        binary_ = ssocred_binary();
        script_ = source_dir() / ".." / ".." / "integration" / "fake_control.py";
        if (!python || !binary_ || !std::filesystem::exists(script_)) {
            GTEST_SKIP() << "needs python3, the built ssocred and fake_control.py";
        }
        dir_ = std::filesystem::path(::testing::TempDir()) /
               ("ssocred-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
        std::filesystem::create_directories(dir_);
        // The CLI talks only to a socket in a private directory (as the daemon makes it).
        std::filesystem::permissions(dir_, std::filesystem::perms::owner_all);
        socket_ = (dir_ / "control.sock").string();
        log_ = (dir_ / "requests.log").string();

        int out[2];
        ASSERT_EQ(::pipe(out), 0);
        pid_ = ::fork();
        ASSERT_GE(pid_, 0);
        if (pid_ == 0) {
            ::dup2(out[1], 1);
            ::close(out[0]);
            ::setenv("FAKE_CONTROL_LOG", log_.c_str(), 1);
            std::vector<std::string> args = {*python, script_.string(), "--socket", socket_};
            args.insert(args.end(), extra.begin(), extra.end());
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(out[1]);
        std::string line;
        char c;
        while (::read(out[0], &c, 1) == 1 && c != '\n') line.push_back(c);
        ::close(out[0]);
        ASSERT_EQ(line, "ready");
    }

    void TearDown() override {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
        }
        if (!dir_.empty()) std::filesystem::remove_all(dir_);
    }

    Ran ssocred(std::vector<std::string> args,
                std::map<std::string, std::optional<std::string>> env = {}) {
        args.insert(args.begin(), {binary_->string(), "--socket", socket_});
        env.emplace("NO_COLOR", "1");
        return run_program(args, env);
    }

    std::string requests() const {
        std::ifstream in(log_);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

    std::optional<std::filesystem::path> binary_;
    std::filesystem::path script_;
    std::filesystem::path dir_;
    std::string socket_;
    std::string log_;
    pid_t pid_ = -1;
    static inline int counter_ = 0;
};

TEST_F(FakeDaemon, StatusJsonIsTheDaemonsObject) {
    start();
    auto r = ssocred({"status", "--json"});
    ASSERT_EQ(r.status, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["version"], "0.1.0");
    EXPECT_EQ(j["sessions"][0]["name"], "my-sso");
    EXPECT_EQ(j["active"]["profile"], "dev");
}

TEST_F(FakeDaemon, StatusHuman) {
    start();
    auto r = ssocred({"status"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("ssocredd 0.1.0"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("logged in"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("127.0.0.1:40123"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("GetRoleCredentials"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("\x1b["), std::string::npos);  // not a TTY: no colour
}

TEST_F(FakeDaemon, UseByProfileAndAccountRole) {
    start();
    auto r = ssocred({"use", "prod"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "Active role: prod (222222222222/ReadOnly) (was dev (111111111111/Admin))\n");
    r = ssocred({"use", "111111111111/ReadOnly", "--json"});
    ASSERT_EQ(r.status, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["active"]["role_name"], "ReadOnly");
    EXPECT_EQ(j["previous"]["profile"], "prod");
    r = ssocred({"use"});
    EXPECT_EQ(r.out, "Active role: 111111111111/ReadOnly, session my-sso\n");
    r = ssocred({"use", "nope"});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "ssocred: No profile named nope in ~/.aws/config\n");
    EXPECT_EQ(ssocred({"use", "--pick", "prod"}).status, 2);
}

TEST_F(FakeDaemon, ListMarksActiveRole) {
    start();
    auto r = ssocred({"list"});
    ASSERT_EQ(r.status, 0) << r.err;
    // PROFILE "-": the fake daemon's accounts name no profiles (an older daemon's answer).
    EXPECT_NE(r.out.find("*  -        111111111111  Dev           Admin     dev@example.com\n"),
              std::string::npos)
        << r.out;
    r = ssocred({"list", "--json", "--refresh"});
    ASSERT_EQ(r.status, 0);
    EXPECT_EQ(json::parse(r.out)["accounts"].size(), 2u);
    EXPECT_NE(requests().find("GET /v1/accounts?refresh=1"), std::string::npos);
}

TEST_F(FakeDaemon, CredentialProcess) {
    start();
    auto r = ssocred({"credential-process", "--profile", "prod"});
    ASSERT_EQ(r.status, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["Version"], 1);
    EXPECT_EQ(j["AccessKeyId"], "ASIAFAKE");
    EXPECT_EQ(j["SecretAccessKey"], "fake/secret+key");
    EXPECT_EQ(j["SessionToken"], "fake-session-token");
    EXPECT_EQ(j["AccountId"], "222222222222");
    EXPECT_EQ(j["Expiration"].get<std::string>().back(), 'Z');
    EXPECT_TRUE(r.err.empty());

    r = ssocred({"credential-process", "--profile", "missing"});
    EXPECT_EQ(r.status, 1);
    EXPECT_TRUE(r.out.empty());
    EXPECT_EQ(r.err, "ssocred: No profile named missing in ~/.aws/config\n");
}

TEST_F(FakeDaemon, LoginRequiredMessage) {
    start({"--logged-out"});
    // --no-login: the failure is the point (with a terminal it would sign in).
    auto r = ssocred({"credential-process", "--no-login"});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "ssocred: Session my-sso needs a login: run `ssocred login`\n");
}

TEST_F(FakeDaemon, EnvEvaluatesInRealShells) {
    start();
    struct Case {
        const char* shell;
        const char* name;
        const char* apply;
    };
    const Case cases[] = {
        {"bash", "bash", "eval \"$(\"$SSOCRED\" --socket \"$S\" env --shell bash)\"; env -0"},
        {"dash", "sh", "eval \"$(\"$SSOCRED\" --socket \"$S\" env --shell sh)\"; env -0"},
        {"zsh", "zsh", "eval \"$(\"$SSOCRED\" --socket \"$S\" env --shell zsh)\"; env -0"},
        {"fish", "fish", "$SSOCRED --socket $S env --shell fish | source; env -0"},
        {"bash", "", "eval \"$(\"$SSOCRED\" --socket \"$S\" env)\"; env -0"},  // from $SHELL
    };
    for (const auto& c : cases) {
        auto sh = which(c.shell);
        if (!sh) continue;
        auto r =
            run_program({*sh, "-c", c.apply}, {{"SSOCRED", binary_->string()},
                                               {"S", socket_},
                                               {"SHELL", "/bin/" + std::string(c.shell)},
                                               {"AWS_PROFILE", ""},  // left behind: unset
                                               {"AWS_ACCESS_KEY_ID", "AKIASHADOW"},
                                               {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/stale"},
                                               {"AWS_REGION", std::nullopt},
                                               {"AWS_DEFAULT_REGION", std::nullopt}});
        ASSERT_EQ(r.status, 0) << c.shell << r.err;
        std::map<std::string, std::string> env;
        std::size_t pos = 0;
        while (pos < r.out.size()) {
            auto end = r.out.find('\0', pos);
            std::string kv = r.out.substr(pos, end - pos);
            env[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
            pos = end == std::string::npos ? r.out.size() : end + 1;
        }
        EXPECT_EQ(env["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
                  "http://127.0.0.1:40123/v1/credentials")
            << c.shell;
        // An active-role token, never the main token.
        EXPECT_EQ(env["AWS_CONTAINER_AUTHORIZATION_TOKEN"].rfind("active-act", 0), 0u)
            << c.shell << ": " << env["AWS_CONTAINER_AUTHORIZATION_TOKEN"];
        EXPECT_EQ(env["AWS_REGION"], "eu-west-1") << c.shell;
        EXPECT_FALSE(env.count("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) << c.shell;
        EXPECT_FALSE(env.count("AWS_PROFILE")) << c.shell;
        EXPECT_FALSE(env.count("AWS_ACCESS_KEY_ID")) << c.shell;
    }
}

TEST_F(FakeDaemon, EnvFlagsReachTheDaemon) {
    start({"--bridge-port", "40124"});
    auto r = ssocred({"env", "--shell", "bash", "--container", "--profile", "prod"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("export "
                         "AWS_CONTAINER_CREDENTIALS_FULL_URI='http://169.254.170.2:40124/v1/"
                         "profiles/prod/credentials';"),
              std::string::npos)
        << r.out;
    EXPECT_NE(
        r.out.find("export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE='/tmp/state/tokens/tok1/token';"),
        std::string::npos)
        << r.out;
    EXPECT_EQ(r.out.find("export AWS_CONTAINER_AUTHORIZATION_TOKEN="), std::string::npos);
    auto tokens = json::parse(ssocred({"tokens", "--json"}).out);
    ASSERT_EQ(tokens["tokens"].size(), 1u);
    EXPECT_EQ(tokens["tokens"][0]["role"]["profile"], "prod");
    EXPECT_EQ(tokens["tokens"][0]["token_file"], "/tmp/state/tokens/tok1/token");

    r = ssocred({"env", "--imds", "--json"}, {{"NO_PROXY", "corp"}, {"no_proxy", std::nullopt}});
    ASSERT_EQ(r.status, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["set"]["AWS_EC2_METADATA_SERVICE_ENDPOINT"], "http://127.0.0.1:40123/");
    EXPECT_EQ(j["set"]["NO_PROXY"], "corp,127.0.0.1");

    r = ssocred({"tokens", "revoke", "tok1"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(ssocred({"tokens", "revoke", "tok1"}).status, 1);
}

TEST_F(FakeDaemon, ExecAppliesEnvAndReturnsStatus) {
    start();
    // An empty AWS_PROFILE (left behind by a shell) is no profile: the active role.
    auto r = ssocred(
        {"exec", "--", "sh", "-c", "printf %s \"$AWS_CONTAINER_AUTHORIZATION_TOKEN\"; exit 7"},
        {{"AWS_PROFILE", ""}});
    EXPECT_EQ(r.status, 7) << r.err;
    EXPECT_EQ(r.out, "active-act1");
    // The run's active-role token is revoked when the command ends.
    EXPECT_NE(requests().find("DELETE /v1/tokens/act1"), std::string::npos);

    r = ssocred({"exec", "--profile", "dev", "sh", "-c",
                 "printf '%s %s' \"$AWS_CONTAINER_AUTHORIZATION_TOKEN\" \"${AWS_PROFILE-unset}\""});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "scoped-tok1 unset");
    // The run's scoped token is revoked when the command ends.
    EXPECT_NE(requests().find("DELETE /v1/tokens/tok1"), std::string::npos);

    r = ssocred({"exec", "--", "sh", "-c", "kill -TERM $$"});
    EXPECT_EQ(r.status, 128 + SIGTERM);
    r = ssocred({"exec", "--", "/nonexistent/program"});
    EXPECT_EQ(r.status, 127);
}

TEST_F(FakeDaemon, LoginSucceedsAfterPolling) {
    start({"--login-after", "1"});
    auto r = ssocred({"login", "--no-browser", "--use-device-code"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH"),
              std::string::npos);
    EXPECT_NE(r.out.find("ABCD-EFGH"), std::string::npos);
    EXPECT_NE(r.out.find("Logged in to my-sso until"), std::string::npos) << r.out;
    EXPECT_NE(requests().find("GET /v1/login/login1?wait="), std::string::npos);
}

TEST_F(FakeDaemon, LoginThatFailsBeforeItHasAUrlShowsWhyAndNoEmptyUrl) {
    start({"--login-start-fails"});
    auto r = ssocred({"login", "--no-browser"});
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    EXPECT_EQ(r.out.find("Sign in"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("RegisterClient failed"), std::string::npos) << r.err;
}

TEST_F(FakeDaemon, LoginInterruptedCancelsInDaemon) {
    start({"--login-after", "-1", "--poll-sleep", "30"});
    // Run login in the background and interrupt it as Ctrl-C would.
    std::vector<std::string> args = {binary_->string(), "--socket", socket_, "login",
                                     "--no-browser"};
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        int devnull = ::open("/dev/null", O_WRONLY);
        ::dup2(devnull, 1);
        ::dup2(devnull, 2);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    for (int i = 0; i < 100 && requests().find("GET /v1/login/") == std::string::npos; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ::kill(pid, SIGINT);
    int st = 0;
    ::waitpid(pid, &st, 0);
    ASSERT_TRUE(WIFEXITED(st));
    EXPECT_EQ(WEXITSTATUS(st), 130);
    EXPECT_NE(requests().find("DELETE /v1/login/login1"), std::string::npos) << requests();
}

// `use --pick` on a real pseudo-terminal: keys in, the choice applied, and the terminal's
// settings the same afterwards on each way out (Enter, Esc, Ctrl-C, SIGTERM).
TEST_F(FakeDaemon, PickOnATerminalRestoresIt) {
    start();
    struct Case {
        std::string keys;
        int signal;
        int expected_exit;
    };
    const Case cases[] = {
        {"prod\r", 0, 0}, {"\x1b", 0, 1}, {"\x03", 0, 130}, {"", SIGTERM, 128 + SIGTERM}};
    for (const auto& c : cases) {
        int master = -1, slave = -1;
        ASSERT_EQ(::openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
        termios before{};
        ASSERT_EQ(::tcgetattr(slave, &before), 0);
        std::vector<std::string> args = {binary_->string(), "--socket", socket_, "use", "--pick"};
        pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            ::setsid();
            ::ioctl(slave, TIOCSCTTY, 0);
            ::dup2(slave, 0);
            ::dup2(slave, 1);
            ::dup2(slave, 2);
            ::close(master);
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        // Wait for the prompt before typing.
        std::string screen;
        for (int i = 0; i < 100 && screen.find("Role> ") == std::string::npos; ++i) {
            pollfd p{master, POLLIN, 0};
            if (::poll(&p, 1, 100) > 0) {
                char buf[4096];
                ssize_t n = ::read(master, buf, sizeof buf);
                if (n > 0) screen.append(buf, static_cast<std::size_t>(n));
            }
        }
        ASSERT_NE(screen.find("Role> "), std::string::npos) << screen;
        if (!c.keys.empty()) {
            ASSERT_EQ(::write(master, c.keys.data(), c.keys.size()),
                      static_cast<ssize_t>(c.keys.size()));
        }
        if (c.signal != 0) ::kill(pid, c.signal);
        int st = 0;
        for (int i = 0; i < 100 && ::waitpid(pid, &st, WNOHANG) == 0; ++i) {
            pollfd p{master, POLLIN, 0};
            if (::poll(&p, 1, 100) > 0) {
                char buf[4096];
                [[maybe_unused]] ssize_t n = ::read(master, buf, sizeof buf);
            }
        }
        ASSERT_TRUE(WIFEXITED(st)) << c.keys;
        EXPECT_EQ(WEXITSTATUS(st), c.expected_exit) << c.keys;
        termios after{};
        ASSERT_EQ(::tcgetattr(slave, &after), 0);
        EXPECT_EQ(after.c_lflag, before.c_lflag) << "terminal left in raw mode after " << c.keys;
        EXPECT_EQ(after.c_iflag, before.c_iflag);
        ::close(master);
        ::close(slave);
    }
    auto r = ssocred({"use", "--json"});
    EXPECT_EQ(json::parse(r.out)["active"]["profile"], "prod");
}

TEST_F(FakeDaemon, DaemonDownExitsThree) {
    start();
    auto r =
        run_program({binary_->string(), "--socket", (dir_ / "absent.sock").string(), "status"});
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find("ssocredd is not running"), std::string::npos);
    r = run_program({binary_->string(), "credential-process"},
                    {{"SSOCRED_SOCKET", (dir_ / "absent.sock").string()}});
    EXPECT_EQ(r.status, 3);
    EXPECT_TRUE(r.out.empty());
}

TEST_F(FakeDaemon, DoctorReportsFailures) {
    start();
    auto r = ssocred({"doctor", "--json"}, {{"AWS_ACCESS_KEY_ID", "AKIA"}});
    auto j = json::parse(r.out);
    std::map<std::string, std::string> by_name;
    for (const auto& c : j["checks"]) by_name[c["name"]] = c["status"];
    EXPECT_EQ(by_name["daemon"], "ok");
    EXPECT_EQ(by_name["health"], "ok");
    EXPECT_EQ(by_name["login"], "ok");
    EXPECT_EQ(by_name["environment"], "warn");
    // Nothing listens on the fake's HTTP port.
    EXPECT_EQ(by_name["endpoint"], "fail");
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(j["ok"], false);
}

}  // namespace
}  // namespace ssocred::testing
