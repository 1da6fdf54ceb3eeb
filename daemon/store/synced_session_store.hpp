// SyncedSessionStore: the TokenPersistence of `--aws-cache=sync` - ssocred's own SessionStore
// plus the AWS CLI cache, kept in step (docs/storage.md, "AWS CLI cache interop").
//
// - load: reads both; when the CLI file holds a newer token (aws_cli::is_newer_token; e.g.
//   `aws sso login` in a terminal, or an SDK refreshed), that token - and its refresh token,
//   if any - is adopted into our state, saved, and returned. A CLI file alone (no state of
//   our own yet) is adopted as is.
// - save: writes our state first (the durable copy), then the CLI file under its lock. If
//   the CLI file turned out to be newer, nothing is written there and its token is adopted
//   into our state instead; the caller sees it at its next load() (the AwsCliCacheWatcher
//   also reports that file).
// - erase: removes both (logout). Registration files stay, as with `aws sso logout`.
//
// A failing CLI cache never fails the operation: it is logged, and our own store stays
// authoritative.
#pragma once

#include <memory>

#include "store/aws_cli_cache.hpp"
#include "store/session_store.hpp"
#include "store/token_persistence.hpp"

namespace ssocred {

class SyncedSessionStore final : public TokenPersistence {
  public:
    // Constructed once at start-up: clears temporaries a killed daemon left in the cache.
    SyncedSessionStore(std::shared_ptr<SessionStore> own, std::shared_ptr<AwsCliCache> cli)
        : own_(std::move(own)), cli_(std::move(cli)) {
        cli_->remove_stale_temporaries();
    }

    Expected<std::optional<TokenState>> load(const std::string& session) override;
    Status save(const TokenState& state) override;
    Status erase(const std::string& session) override;

    // The session's AWS CLI token file is gone (`aws sso logout`, a person's rm): the daemon
    // then writes it again while the session is logged in.
    bool cli_token_missing(const std::string& session) const;

    // Our state updated with a newer token found in the CLI cache (exposed for tests).
    static TokenState adopt(const TokenState& ours, const TokenState& from_cli);

  private:
    std::shared_ptr<SessionStore> own_;
    std::shared_ptr<AwsCliCache> cli_;
};

}  // namespace ssocred
