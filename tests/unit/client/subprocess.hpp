// Test helper: run a program with extra environment and capture stdout, stderr and status.
#pragma once

#include <fcntl.h>
#include <filesystem>
#include <map>
#include <optional>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace ssocred::testing {

struct Ran {
    int status = -1;  // exit code or 128+signal
    std::string out;
    std::string err;
};

inline std::optional<std::string> which(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string rest = path ? path : "/usr/bin:/bin";
    std::size_t pos = 0;
    while (pos <= rest.size()) {
        auto colon = rest.find(':', pos);
        if (colon == std::string::npos) colon = rest.size();
        std::string cand = rest.substr(pos, colon - pos) + "/" + name;
        if (::access(cand.c_str(), X_OK) == 0) return cand;
        pos = colon + 1;
    }
    return std::nullopt;
}

// `env` entries override (value) or remove (nullopt) variables of this process's environment.
inline Ran run_program(std::vector<std::string> argv,
                       const std::map<std::string, std::optional<std::string>>& env = {},
                       const std::string& input = {}) {
    std::vector<std::string> envs;
    for (char** e = environ; *e != nullptr; ++e) {
        std::string kv = *e;
        std::string k = kv.substr(0, kv.find('='));
        if (env.count(k) == 0) envs.push_back(kv);
    }
    for (const auto& [k, v] : env)
        if (v) envs.push_back(k + "=" + *v);
    std::vector<char*> cenv;
    for (auto& e : envs) cenv.push_back(e.data());
    cenv.push_back(nullptr);
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);

    int out[2], err[2], in[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0 || ::pipe2(in, O_CLOEXEC) != 0)
        return {};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    pid_t pid = 0;
    int rc = ::posix_spawnp(&pid, cargv[0], &fa, nullptr, cargv.data(), cenv.data());
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    ::close(err[1]);
    ::close(in[0]);
    if (!input.empty()) [[maybe_unused]]
        auto n = ::write(in[1], input.data(), input.size());
    ::close(in[1]);
    Ran r;
    if (rc != 0) {
        ::close(out[0]);
        ::close(err[0]);
        return r;
    }
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    int open = 2;
    while (open > 0) {
        if (::poll(fds, 2, 30000) <= 0) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            char buf[4096];
            ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n <= 0) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open;
            } else {
                (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) ::close(f.fd);
    int st = 0;
    ::waitpid(pid, &st, 0);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return r;
}

// The directory holding this test's sources (tests/unit/client). From CMake, not __FILE__,
// which is relative when a compiler cache rewrites paths (ccache's base_dir).
inline std::filesystem::path source_dir() {
    return std::filesystem::path(SSOCRED_SOURCE_DIR) / "tests" / "unit" / "client";
}

// The built `ssocred` next to this test binary's build tree, if built.
inline std::optional<std::filesystem::path> ssocred_binary() {
    if (const char* e = std::getenv("SSOCRED"); e != nullptr && ::access(e, X_OK) == 0) return e;
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return std::nullopt;
    for (auto dir = self.parent_path(); dir.has_relative_path(); dir = dir.parent_path()) {
        auto cand = dir / "client" / "ssocred";
        if (::access(cand.c_str(), X_OK) == 0) return cand;
    }
    return std::nullopt;
}

}  // namespace ssocred::testing
