#include "portal.hpp"

#include <algorithm>
#include <charconv>
#include <iostream>
#include <optional>

#include "errors.hpp"

namespace emu {

using namespace portal_errors;

namespace {

Response fail(const ErrorShape& shape, std::string_view message) {
    return error_reply(Service::Portal, shape, message);
}

// The message the real portal sends for a bad token (PROTOCOLS.md §2.1).
constexpr std::string_view kBadToken = "Session token not found or invalid";

AccessToken* bearer(State& state, const Request& req) {
    auto it = req.find("x-amz-sso_bearer_token");
    if (it == req.end()) return nullptr;
    return state.live_access_token(std::string(it->value()));
}

// Which slice of `total` items to return, and the nextToken for the rest. Limits: the
// caller's max_result (1-100, as modelled) and the emulator's --page-size, whichever is
// smaller.
struct Page {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::string next_token;
};

std::optional<Response> select_page(State& state, const Target& target, const std::string& scope,
                                    std::size_t total, Page& page) {
    std::size_t limit = total;
    if (const std::string* m = target.param("max_result")) {
        int v = 0;
        auto [p, ec] = std::from_chars(m->data(), m->data() + m->size(), v);
        if (ec != std::errc{} || p != m->data() + m->size() || v < 1 || v > 100) {
            return fail(kInvalidRequest, "max_result must be an integer between 1 and 100");
        }
        limit = static_cast<std::size_t>(v);
    }
    if (state.settings().page_size > 0) {
        limit = std::min(limit, static_cast<std::size_t>(state.settings().page_size));
    }
    if (const std::string* t = target.param("next_token")) {
        const PageCursor* c = state.find_cursor(*t);
        if (!c || c->account_id != scope) return fail(kInvalidRequest, "Invalid nextToken");
        page.begin = std::min(c->offset, total);
    }
    page.end = std::min(total, page.begin + limit);
    if (page.end < total) page.next_token = state.add_cursor(PageCursor{scope, page.end});
    return std::nullopt;
}

}  // namespace

Response get_role_credentials(State& state, const Request& req, const Target& target) {
    AccessToken* token = bearer(state, req);
    if (!token) return fail(kUnauthorized, kBadToken);
    const std::string* role = target.param("role_name");
    const std::string* account_id = target.param("account_id");
    if (!role || role->empty() || !account_id || account_id->empty()) {
        return fail(kInvalidRequest, "role_name and account_id are required");
    }
    const Account* account = state.catalog().find(*account_id);
    if (!account ||
        std::find(account->roles.begin(), account->roles.end(), *role) == account->roles.end()) {
        return fail(kResourceNotFound, "No access");
    }
    const std::string bearer_token = token->token;
    std::optional<MintedKeys> minted;
    if (RoleMinter* minter = state.minter()) {
        // DurationSeconds = role_ttl, whatever the STS stand-in makes of it; the expiration
        // reported below stays the emulator's own (its clock can be shifted by tests).
        auto keys = minter->mint(*account_id, *role, state.settings().role_ttl);
        if (!keys) {
            std::cerr << "ssocred-emulator: " << keys.error().message << "\n";
            return fail(kInternalServer, keys.error().message);
        }
        minted = std::move(*keys);
    }
    const IssuedCredentials& c =
        state.issue_credentials(*account_id, *role, bearer_token, minted ? &*minted : nullptr);
    Json out;
    out["roleCredentials"] = {
        {"accessKeyId", c.access_key_id},
        {"secretAccessKey", c.secret_access_key},
        {"sessionToken", c.session_token},
        {"expiration",
         std::chrono::duration_cast<std::chrono::milliseconds>(c.expiration.time_since_epoch())
             .count()},
    };
    return json_reply(http::status::ok, out);
}

Response list_accounts(State& state, const Request& req, const Target& target) {
    if (!bearer(state, req)) return fail(kUnauthorized, kBadToken);
    const auto& accounts = state.catalog().accounts;
    Page page;
    if (auto err = select_page(state, target, "", accounts.size(), page)) return std::move(*err);
    Json list = Json::array();
    for (std::size_t i = page.begin; i < page.end; ++i) {
        list.push_back({{"accountId", accounts[i].id},
                        {"accountName", accounts[i].name},
                        {"emailAddress", accounts[i].email}});
    }
    Json out;
    out["accountList"] = std::move(list);
    if (!page.next_token.empty()) out["nextToken"] = page.next_token;
    return json_reply(http::status::ok, out);
}

Response list_account_roles(State& state, const Request& req, const Target& target) {
    if (!bearer(state, req)) return fail(kUnauthorized, kBadToken);
    const std::string* account_id = target.param("account_id");
    if (!account_id || account_id->empty()) return fail(kInvalidRequest, "account_id is required");
    const Account* account = state.catalog().find(*account_id);
    if (!account) return fail(kResourceNotFound, "No access");
    Page page;
    if (auto err = select_page(state, target, account->id, account->roles.size(), page)) {
        return std::move(*err);
    }
    Json list = Json::array();
    for (std::size_t i = page.begin; i < page.end; ++i) {
        list.push_back({{"roleName", account->roles[i]}, {"accountId", account->id}});
    }
    Json out;
    out["roleList"] = std::move(list);
    if (!page.next_token.empty()) out["nextToken"] = page.next_token;
    return json_reply(http::status::ok, out);
}

Response logout(State& state, const Request& req) {
    AccessToken* token = bearer(state, req);
    if (!token) return fail(kUnauthorized, kBadToken);
    // Role credentials already issued stay valid (they would at AWS too); only the sign-in
    // session ends.
    token->revoked = true;
    return empty_reply(http::status::ok);
}

}  // namespace emu
