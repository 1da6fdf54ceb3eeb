#include "process.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ssocred/descriptors.hpp"
#include "ssocred/errno_text.hpp"

#include "browser_command.hpp"
#include "platform/url_opener.hpp"
#include "store/unique_fd.hpp"

extern char** environ;

namespace ssocred::cli {
namespace {

std::vector<char*> c_argv(std::vector<std::string>& args) {
    std::vector<char*> out;
    for (auto& a : args) out.push_back(a.data());
    out.push_back(nullptr);
    return out;
}

int wait_child(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return status;
}

}  // namespace

int shell_status(int wait_status) {
    if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    return 1;
}

std::optional<std::string> find_in_path(const std::string& name) {
    if (name.find('/') != std::string::npos)
        return ::access(name.c_str(), X_OK) == 0 ? std::optional(name) : std::nullopt;
    const char* path = std::getenv("PATH");
    std::string_view rest = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
    while (true) {
        auto colon = rest.find(':');
        std::string dir(rest.substr(0, colon));
        if (dir.empty()) dir = ".";
        std::string candidate = dir + "/" + name;
        struct stat st {};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
            ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        if (colon == std::string_view::npos) break;
        rest.remove_prefix(colon + 1);
    }
    return std::nullopt;
}

namespace {

// One $BROWSER command. In the foreground it may be a text browser using the terminal, so
// it keeps stdin and we wait for it (success is exit status 0), as Python's webbrowser
// does; its output goes to `output_fd`, never to our stdout (JSON or shell code there).
// A background one ("... &") gets its own session and is not waited for.
bool run_browser_command(const BrowserCommand& cmd, int output_fd) {
    auto path = find_in_path(cmd.argv.at(0));
    if (!path) return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, output_fd, STDOUT_FILENO);
    if (output_fd != STDERR_FILENO)
        posix_spawn_file_actions_adddup2(&actions, output_fd, STDERR_FILENO);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    if (cmd.background) posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
    std::vector<std::string> args = cmd.argv;
    args[0] = *path;
    auto argv = c_argv(args);
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, path->c_str(), &actions, &attr, argv.data(), environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return false;
    if (cmd.background) return true;
    const int status = wait_child(pid);
    return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

bool open_in_browser(const std::string& url, int output_fd) {
    // $BROWSER first, each of its commands in turn, as Python's webbrowser and git do.
    if (const char* browser = std::getenv("BROWSER"); browser != nullptr && *browser != '\0') {
        for (const auto& cmd : browser_commands(browser, url))
            if (run_browser_command(cmd, output_fd < 0 ? STDERR_FILENO : output_fd)) return true;
    }
    const auto desktop = platform::url_opener();
    // Over SSH or on a console there is no browser to open; say so instead of letting
    // xdg-open start a text browser on our terminal.
    if (desktop.needs_display_server && std::getenv("DISPLAY") == nullptr &&
        std::getenv("WAYLAND_DISPLAY") == nullptr)
        return false;
    const std::string opener = desktop.command;
    auto path = find_in_path(opener);
    if (!path) return false;

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Its own session: Ctrl-C on our login must not reach the browser.
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
    std::vector<std::string> args = {*path, url};
    auto argv = c_argv(args);
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, path->c_str(), &actions, &attr, argv.data(), environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return false;
    // xdg-open returns quickly after handing the URL over; reap it so no zombie lingers,
    // but do not let a slow opener block the login.
    for (int i = 0; i < 20; ++i) {
        int status = 0;
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (r < 0) return true;
        ::usleep(50 * 1000);
    }
    return true;
}

Expected<RunResult> run_capture(const std::vector<std::string>& argv_in) {
    auto path = find_in_path(argv_in.at(0));
    if (!path) return Error::make(ErrorCode::NotFound, "`" + argv_in[0] + "` is not installed");
    int fds[2];
    if (pipe_cloexec(fds) != 0) {
        const int err = errno;
        return Error::make(ErrorCode::Io, "pipe failed: " + errno_text(err));
    }
    UniqueFd read_end(fds[0]);
    UniqueFd write_end(fds[1]);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDERR_FILENO);
    std::vector<std::string> args = argv_in;
    args[0] = *path;
    auto argv = c_argv(args);
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, path->c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    write_end.reset();
    if (rc != 0)
        return Error::make(ErrorCode::Io, "cannot run " + argv_in[0] + ": " + errno_text(rc));

    RunResult result;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(read_end.get(), buf, sizeof buf);
        if (n > 0) {
            result.output.append(buf, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    const int status = wait_child(pid);
    result.exit_status = status < 0 ? -1 : shell_status(status);
    return result;
}

}  // namespace ssocred::cli
