#include "sso/portal_client.hpp"

#include <spdlog/spdlog.h>

#include "ssocred/json_fields.hpp"

#include "sso/upstream_error.hpp"
#include "sso/url.hpp"

namespace ssocred::sso {

namespace {
// 2100-01-01 in ms: later expirations are nonsense, and beyond 2262 SystemTime overflows (UB,
// found by fuzz/upstream_response); this bound stays representable after skew correction.
constexpr std::int64_t kMaxExpirationMillis = 4102444800000LL;
}  // namespace

HttpPortalClient::HttpPortalClient(std::shared_ptr<HttpTransport> transport, const Clock& clock)
    : transport_(std::move(transport)), clock_(clock) {}

std::optional<std::chrono::seconds> HttpPortalClient::clock_skew() const {
    if (!has_skew_.load()) return std::nullopt;
    return std::chrono::seconds(skew_seconds_.load());
}

Expected<HttpResponse> HttpPortalClient::call(const char* operation, const char* method,
                                              std::string target, const Secret& access_token) {
    HttpRequest req;
    req.method = method;
    req.target = std::move(target);
    req.headers.emplace_back("x-amz-sso_bearer_token", access_token.reveal());
    auto res = transport_->send(std::move(req));
    if (!res) {
        Error e = std::move(res).error();
        e.message = std::string(operation) + ": " + e.message;
        return e;
    }
    if (res->skew) {
        skew_seconds_.store(res->skew->count());
        has_skew_.store(true);
    }
    spdlog::debug("sso portal {} -> {}", operation, res->status);
    if (res->status < 200 || res->status > 299)
        return upstream_error(*res, Upstream::Portal, operation);
    return res;
}

Expected<RoleCredentials> HttpPortalClient::get_role_credentials(const Secret& access_token,
                                                                 const std::string& account_id,
                                                                 const std::string& role_name) {
    const char* op = "GetRoleCredentials";
    auto res = call(op, "GET",
                    "/federation/credentials?" +
                        encode_query({{"role_name", role_name}, {"account_id", account_id}}),
                    access_token);
    if (!res) return std::move(res).error();
    auto j = jf::parse_object(res->body);
    if (!j) return bad_response(op, "body is not a JSON object");
    auto it = j->find("roleCredentials");
    if (it == j->end() || !it->is_object()) {
        jf::wipe(*j);
        return bad_response(op, "no roleCredentials in the answer");
    }
    nlohmann::json& rc = *it;
    auto key_id = jf::string_member(rc, "accessKeyId");
    auto secret = jf::secret_member(rc, "secretAccessKey");
    auto token = jf::secret_member(rc, "sessionToken");
    auto expiration = jf::int_member(rc, "expiration");
    jf::wipe(*j);
    if (!key_id || key_id->empty() || !secret || secret->empty() || !token || token->empty()) {
        return bad_response(op,
                            "roleCredentials lacks accessKeyId, secretAccessKey or sessionToken");
    }
    if (!expiration || *expiration <= 0 || *expiration > kMaxExpirationMillis) {
        return bad_response(op, "roleCredentials.expiration missing or invalid");
    }
    RoleCredentials out;
    out.role.account_id = account_id;
    out.role.role_name = role_name;
    out.access_key_id = *key_id;
    out.secret_access_key = std::move(*secret);
    out.session_token = std::move(*token);
    out.expiration = from_epoch_millis(*expiration) - res->skew.value_or(std::chrono::seconds(0));
    out.issued_at = clock_.now();
    return out;
}

Expected<std::vector<PortalAccount>> HttpPortalClient::list_accounts(const Secret& access_token) {
    const char* op = "ListAccounts";
    std::vector<PortalAccount> out;
    std::string next;
    for (int page = 0; page < kMaxPages; ++page) {
        std::vector<std::pair<std::string, std::string>> q{{"max_result", "100"}};
        if (!next.empty()) q.emplace_back("next_token", next);
        auto res = call(op, "GET", "/assignment/accounts?" + encode_query(q), access_token);
        if (!res) return std::move(res).error();
        auto j = jf::parse_object(res->body);
        if (!j) return bad_response(op, "body is not a JSON object");
        const auto* list = jf::member(*j, "accountList");
        if (list == nullptr || !list->is_array()) return bad_response(op, "accountList missing");
        for (const auto& a : *list) {
            auto id = jf::string_member(a, "accountId");
            if (!id || id->empty()) return bad_response(op, "an account has no accountId");
            out.push_back(PortalAccount{*id, jf::string_member(a, "accountName").value_or(""),
                                        jf::string_member(a, "emailAddress").value_or("")});
        }
        next = jf::string_member(*j, "nextToken").value_or("");
        if (next.empty()) return out;
    }
    return bad_response(op, "too many pages");
}

Expected<std::vector<std::string>> HttpPortalClient::list_account_roles(
    const Secret& access_token, const std::string& account_id) {
    const char* op = "ListAccountRoles";
    std::vector<std::string> out;
    std::string next;
    for (int page = 0; page < kMaxPages; ++page) {
        std::vector<std::pair<std::string, std::string>> q{{"account_id", account_id},
                                                           {"max_result", "100"}};
        if (!next.empty()) q.emplace_back("next_token", next);
        auto res = call(op, "GET", "/assignment/roles?" + encode_query(q), access_token);
        if (!res) return std::move(res).error();
        auto j = jf::parse_object(res->body);
        if (!j) return bad_response(op, "body is not a JSON object");
        const auto* list = jf::member(*j, "roleList");
        if (list == nullptr || !list->is_array()) return bad_response(op, "roleList missing");
        for (const auto& r : *list) {
            auto name = jf::string_member(r, "roleName");
            if (!name || name->empty()) return bad_response(op, "a role has no roleName");
            out.push_back(*name);
        }
        next = jf::string_member(*j, "nextToken").value_or("");
        if (next.empty()) return out;
    }
    return bad_response(op, "too many pages");
}

Status HttpPortalClient::logout(const Secret& access_token) {
    auto res = call("Logout", "POST", "/logout", access_token);
    if (!res) return std::move(res).error();
    return ok();
}

}  // namespace ssocred::sso
