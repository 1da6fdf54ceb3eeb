#include "store/synced_session_store.hpp"

#include <spdlog/spdlog.h>

namespace ssocred {

TokenState SyncedSessionStore::adopt(const TokenState& ours, const TokenState& from_cli) {
    TokenState merged = ours;
    merged.access_token = from_cli.access_token;
    merged.access_token_expires_at = from_cli.access_token_expires_at;
    merged.issued_at = from_cli.issued_at;
    // Someone logged in: a usable token exists again, and a new session began with it.
    if (ours.login_required) merged.session_started_at = from_cli.issued_at;
    merged.login_required = false;
    if (merged.start_url.empty()) merged.start_url = from_cli.start_url;
    if (merged.region.empty()) merged.region = from_cli.region;
    const bool other_client =
        from_cli.registration &&
        (!ours.registration || ours.registration->client_id != from_cli.registration->client_id);
    if (other_client) {
        // A new login by the CLI with its own registration: our refresh token belongs to our
        // old client and cannot be used with theirs.
        merged.registration = from_cli.registration;
        merged.refresh_token = from_cli.refresh_token;
        merged.session_started_at = from_cli.issued_at;
    } else if (!from_cli.refresh_token.empty()) {
        merged.refresh_token = from_cli.refresh_token;  // rotated by whoever refreshed
    }
    return merged;
}

Expected<std::optional<TokenState>> SyncedSessionStore::load(const std::string& session) {
    auto own = own_->load(session);
    if (!own) return own;
    auto cli = cli_->read_token(session);
    if (!cli) {
        spdlog::warn("cannot read the AWS CLI cache for session {}: {}", session,
                     cli.error().message);
        return own;
    }
    if (!*cli) return own;
    if (*own && !aws_cli::is_newer_token(**cli, **own)) return own;

    TokenState adopted = *own ? adopt(**own, **cli) : std::move(**cli);
    spdlog::info("session {}: adopting the newer token from the AWS CLI cache", session);
    if (auto st = own_->save(adopted); !st)
        spdlog::warn("session {}: cannot save the adopted token: {}", session, st.error().message);
    return std::optional<TokenState>(std::move(adopted));
}

Status SyncedSessionStore::save(const TokenState& state) {
    if (auto st = own_->save(state); !st) return st;
    if (!state.has_access_token() || state.login_required) return ok();
    auto written = cli_->write_token(state);
    if (!written) {
        spdlog::warn("session {}: cannot update the AWS CLI cache: {}", state.session,
                     written.error().message);
        return ok();
    }
    if (written->newer_on_disk) {
        spdlog::info("session {}: the AWS CLI cache holds a newer token; adopting it",
                     state.session);
        return own_->save(adopt(state, *written->newer_on_disk));
    }
    return ok();
}

Status SyncedSessionStore::erase(const std::string& session) {
    auto own = own_->erase(session);
    if (auto st = cli_->erase_token(session); !st) {
        spdlog::warn("session {}: cannot delete the AWS CLI cache file: {}", session,
                     st.error().message);
        if (own) return st;
    }
    return own;
}

bool SyncedSessionStore::cli_token_missing(const std::string& session) const {
    std::error_code ec;
    return !std::filesystem::exists(cli_->token_path(session), ec) && !ec;
}

}  // namespace ssocred
