#include "ssocred/paths.hpp"

#include <cctype>
#include <cstdlib>
#include <pwd.h>
#include <unistd.h>

#include "platform/default_socket.hpp"

namespace ssocred::paths {
namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr ? std::string(v) : std::string();
}

}  // namespace

std::filesystem::path home_dir() {
    if (auto h = env("HOME"); !h.empty()) return h;
    if (const passwd* pw = getpwuid(getuid()); pw != nullptr && pw->pw_dir != nullptr)
        return pw->pw_dir;
    return "/";
}

std::filesystem::path expand_user(const std::string& path) {
    std::string out;
    std::size_t i = 0;
    if (!path.empty() && path[0] == '~' && (path.size() == 1 || path[1] == '/')) {
        out = home_dir().string();
        i = 1;
    }
    while (i < path.size()) {
        if (path[i] == '$') {
            std::size_t start = i + 1;
            bool braced = start < path.size() && path[start] == '{';
            if (braced) ++start;
            std::size_t end = start;
            while (end < path.size() &&
                   (std::isalnum(static_cast<unsigned char>(path[end])) || path[end] == '_'))
                ++end;
            if (end > start && (!braced || (end < path.size() && path[end] == '}'))) {
                out += env(path.substr(start, end - start).c_str());
                i = braced ? end + 1 : end;
                continue;
            }
        }
        out.push_back(path[i++]);
    }
    return out;
}

std::filesystem::path default_socket() {
    if (auto s = env("SSOCRED_SOCKET"); !s.empty()) return s;
    return platform::default_socket_path(home_dir());
}

std::filesystem::path default_state_dir() {
    auto state = env("XDG_STATE_HOME");
    if (state.empty()) return home_dir() / ".local" / "state" / "ssocred";
    return std::filesystem::path(state) / "ssocred";
}

std::filesystem::path aws_config_file() {
    if (auto f = env("AWS_CONFIG_FILE"); !f.empty()) return expand_user(f);
    return home_dir() / ".aws" / "config";
}

std::filesystem::path aws_sso_cache_dir() {
    return home_dir() / ".aws" / "sso" / "cache";
}

}  // namespace ssocred::paths
