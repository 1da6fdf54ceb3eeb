#include "creds/active_role_store.hpp"

#include <system_error>

#include <nlohmann/json.hpp>

#include "ssocred/json_fields.hpp"

#include "store/atomic_file.hpp"

namespace ssocred {

Expected<std::optional<ActiveRole>> ActiveRoleStore::load() const {
    std::error_code ec;
    if (!std::filesystem::exists(path(), ec)) return std::optional<ActiveRole>();
    auto text = read_file(path(), 64 * 1024);
    if (!text) return text.error();
    const auto malformed = [this] {
        return Error::make(ErrorCode::Invalid,
                           path().string() + " is malformed; run `ssocred use` again");
    };
    const auto j = jf::parse_object(*text);
    if (!j) return malformed();
    ActiveRole active;
    auto account_id = jf::string_member(*j, "account_id");
    auto role_name = jf::string_member(*j, "role_name");
    auto session = jf::string_member_or(*j, "session");
    if (!account_id || !role_name || !session) return malformed();
    active.role.account_id = std::move(*account_id);
    active.role.role_name = std::move(*role_name);
    active.role.session = std::move(*session);
    active.profile = jf::string_member(*j, "profile");  // null: no profile named
    if (active.role.account_id.empty() || active.role.role_name.empty())
        return Error::make(ErrorCode::Invalid,
                           path().string() + " names no role; run `ssocred use` again");
    return std::optional<ActiveRole>(std::move(active));
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
