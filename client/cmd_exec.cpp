// `ssocred exec`: runs a command - or, without one, the user's $SHELL - with the environment
// `ssocred env` would print, forwards signals to it and exits with its status. The token
// minted for the run is revoked when the command ends; it is bound to this process, so the
// daemon revokes it should we be killed before we can.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <ostream>
#include <signal.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "ssocred/descriptors.hpp"
#include "ssocred/errno_text.hpp"

#include "commands.hpp"
#include "context.hpp"
#include "env_source.hpp"
#include "process.hpp"
#include "profile_choice.hpp"
#include "signin.hpp"
#include "store/unique_fd.hpp"

namespace ssocred::cli {
namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

volatile sig_atomic_t g_child = 0;

// Keys typed at the terminal (Ctrl-C, Ctrl-\) already reach the child, which is in our
// foreground process group; forwarding those would deliver them twice. Linux marks the
// kernel's own signals SI_KERNEL; kill(1)/systemd send SI_USER or SI_QUEUE. Where there is
// no SI_KERNEL (macOS, whose codes for them are not documented) every signal is forwarded:
// a key may then reach the child twice, but a kill(1) is never lost.
bool raised_by_kernel([[maybe_unused]] const siginfo_t* info) {
#if defined(SI_KERNEL)
    return info != nullptr && info->si_code == SI_KERNEL;
#else
    return false;
#endif
}

void forward(int sig, siginfo_t* info, void*) {
    if (raised_by_kernel(info)) return;
    if (g_child > 0) ::kill(static_cast<pid_t>(g_child), sig);
}

class ForwardSignals {
  public:
    ForwardSignals() {
        for (int sig : kForwarded) {
            struct sigaction sa {};
            sa.sa_sigaction = forward;
            // No SA_RESTART: the waits below loop on EINTR themselves, and a restarted
            // wait never returns to user space, where TSan runs the handlers it defers.
            sa.sa_flags = SA_SIGINFO;
            sigemptyset(&sa.sa_mask);
            struct sigaction old {};
            ::sigaction(sig, &sa, &old);
            previous_.emplace_back(sig, old);
        }
    }
    ~ForwardSignals() {
        for (auto& [sig, old] : previous_) ::sigaction(sig, &old, nullptr);
        g_child = 0;
    }
    ForwardSignals(const ForwardSignals&) = delete;
    ForwardSignals& operator=(const ForwardSignals&) = delete;

  private:
    std::vector<std::pair<int, struct sigaction>> previous_;
};

// The shell `exec` without a command starts: $SHELL, as aws-vault and granted do.
std::string user_shell() {
    const char* shell = std::getenv("SHELL");
    return shell != nullptr && *shell != '\0' ? shell : "/bin/sh";
}

// The SSOCRED_PROFILE the plan sets, if any: what the shell is for.
std::optional<std::string> planned_profile(const EnvPlan& plan) {
    for (const auto& op : plan.ops)
        if (op.name == "SSOCRED_PROFILE") return op.value;
    return std::nullopt;
}

}  // namespace

int cmd_exec(Context& ctx, const Args& args) {
    EnvRequest req;
    req.imds = args.has("--imds");
    const ProfileChoice choice =
        req.imds ? ProfileChoice{args.get("--profile"), ProfileChoice::From::Flag}
                 : choose_profile(args, process_env());
    req.profile = choice.profile;
    req.bind_to_client = true;
    std::vector<std::string> argv = args.positional();
    const bool subshell = argv.empty();
    if (subshell) argv.push_back(user_shell());
    const std::string label = std::string(subshell ? "exec (shell)" : "exec") +
                              (req.profile ? " --profile " + *req.profile : "");
    ControlClient client = ctx.client();
    auto prepared = signed_in_env(ctx, signin_policy(args, process_env()), client, req, label);
    if (!prepared) return report(ctx, explain_profile_choice(choice, prepared.error()));
    say_profile_choice(ctx, choice, *prepared);
    for (const auto& w : prepared->plan.warnings) ctx.err << "ssocred: warning: " << w << '\n';
    if (subshell) {
        const auto role = planned_profile(prepared->plan);
        ctx.err << "ssocred: starting " << argv[0] << " for "
                << (role ? *role + " (SSOCRED_PROFILE=" + *role + ")"
                         : std::string("the active role"))
                << "; type `exit` to leave it";
        if (const char* outer = std::getenv("SSOCRED_PROFILE"); outer != nullptr && *outer)
            ctx.err << " and return to the shell for " << outer << " (this one is nested in it)";
        ctx.err << ".\n";
    }

    // Revoke the run's scoped token on every path out of here.
    struct Revoke {
        const ControlClient& client;
        std::optional<std::string> id;
        ~Revoke() {
            if (id) (void)client.call("DELETE", "/v1/tokens/" + url_encode(*id));
        }
    } revoke{client, prepared->minted ? std::optional(prepared->minted->id) : std::nullopt};

    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);

    // A close-on-exec pipe tells the parent whether execvp succeeded (and its errno).
    int fds[2];
    if (pipe_cloexec(fds) != 0) {
        const int err = errno;
        return report(ctx, Error::make(ErrorCode::Io, "pipe failed: " + errno_text(err)));
    }
    UniqueFd status_read(fds[0]);
    UniqueFd status_write(fds[1]);

    ctx.out.flush();
    ctx.err.flush();
    ForwardSignals forwarding;
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int err = errno;
        return report(ctx, Error::make(ErrorCode::Io, "fork failed: " + errno_text(err)));
    }
    if (pid == 0) {
        // Child: default signal dispositions, the planned environment, then exec.
        for (int sig : kForwarded) ::signal(sig, SIG_DFL);
        for (const auto& op : prepared->plan.ops) {
            if (op.value)
                ::setenv(op.name.c_str(), op.value->c_str(), 1);
            else
                ::unsetenv(op.name.c_str());
        }
        ::execvp(cargv[0], cargv.data());
        const int e = errno;
        [[maybe_unused]] auto n = ::write(status_write.get(), &e, sizeof e);
        ::_exit(127);
    }
    g_child = pid;
    status_write.reset();

    int exec_errno = 0;
    ssize_t got;
    do {
        got = ::read(status_read.get(), &exec_errno, sizeof exec_errno);
    } while (got < 0 && errno == EINTR);

    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    g_child = 0;  // reaped: its pid may be reused, so nothing more is forwarded
    if (got == static_cast<ssize_t>(sizeof exec_errno)) {
        ctx.err << "ssocred: cannot run " << argv[0] << ": " << errno_text(exec_errno) << '\n';
        return exec_errno == ENOENT ? 127 : 126;  // as shells report it
    }
    return shell_status(status);
}

}  // namespace ssocred::cli
