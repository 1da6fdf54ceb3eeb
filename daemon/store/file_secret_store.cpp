#include "store/file_secret_store.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

#include "ssocred/errno_text.hpp"

#include "store/atomic_file.hpp"

namespace ssocred {

bool is_valid_secret_name(std::string_view name) {
    if (name.empty() || name.size() > 128 || name.front() == '.') return false;
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

namespace {

Error bad_name(const std::string& name) {
    // The name is not a secret (it is a label such as "state-key").
    return Error::make(ErrorCode::Invalid, "invalid secret name '" + name + "'");
}

}  // namespace

Expected<std::optional<Secret>> FileSecretStore::get(const std::string& name) {
    if (!is_valid_secret_name(name)) return bad_name(name);
    auto content = read_file(dir_ / name, std::size_t{64} * 1024);
    if (!content) {
        if (content.error().code == ErrorCode::NotFound) return std::optional<Secret>();
        return std::move(content).error();
    }
    return std::optional<Secret>(Secret(std::move(*content)));
}

Status FileSecretStore::put(const std::string& name, const Secret& value) {
    if (!is_valid_secret_name(name)) return bad_name(name);
    if (auto st = ensure_private_dir(dir_); !st) return st;
    return write_file_atomic(dir_ / name, value.reveal(), 0600);
}

Status FileSecretStore::erase(const std::string& name) {
    if (!is_valid_secret_name(name)) return bad_name(name);
    const auto path = dir_ / name;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        const int err = errno;
        return Error::make(ErrorCode::Io,
                           "cannot remove " + path.string() + ": " + errno_text(err));
    }
    return ok();
}

}  // namespace ssocred
