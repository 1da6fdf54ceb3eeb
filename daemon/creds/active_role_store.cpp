#include "creds/active_role_store.hpp"

#include <system_error>

#include <nlohmann/json.hpp>

#include "store/atomic_file.hpp"

namespace ssocred {

Expected<std::optional<ActiveRole>> ActiveRoleStore::load() const {
    std::error_code ec;
    if (!std::filesystem::exists(path(), ec)) return std::optional<ActiveRole>();
    auto text = read_file(path(), 64 * 1024);
    if (!text) return text.error();
    try {
        const auto j = nlohmann::json::parse(*text);
        ActiveRole active;
        active.role.account_id = j.at("account_id").get<std::string>();
        active.role.role_name = j.at("role_name").get<std::string>();
        active.role.session = j.value("session", std::string());
        if (j.contains("profile") && j.at("profile").is_string())
            active.profile = j.at("profile").get<std::string>();
        if (active.role.account_id.empty() || active.role.role_name.empty())
            return Error::make(ErrorCode::Invalid,
                               path().string() + " names no role; run `ssocred use` again");
        return std::optional<ActiveRole>(std::move(active));
    } catch (const nlohmann::json::exception&) {
        return Error::make(ErrorCode::Invalid,
                           path().string() + " is malformed; run `ssocred use` again");
    }
}

Status ActiveRoleStore::save(const ActiveRole& active) const {
    nlohmann::json j{{"account_id", active.role.account_id},
                     {"role_name", active.role.role_name},
                     {"session", active.role.session}};
    if (active.profile) j["profile"] = *active.profile;
    if (auto s = ensure_private_dir(dir_); !s) return s;
    return write_file_atomic(path(), j.dump(2) + "\n", 0600);
}

Status ActiveRoleStore::clear() const {
    std::error_code ec;
    std::filesystem::remove(path(), ec);
    if (ec)
        return Error::make(ErrorCode::Io, "cannot remove " + path().string() + ": " + ec.message());
    return ok();
}

}  // namespace ssocred
