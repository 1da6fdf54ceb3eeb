// AwsCliCache: reads and writes the AWS CLI's SSO cache, ~/.aws/sso/cache (`--aws-cache=sync`).
//
// One login then serves the AWS CLI, every SDK and the daemon (PROTOCOLS.md §6.1, §6.2).
//
// Token files `<sha1(session)>.json` are written in the CLI's format: timestamps
// `YYYY-MM-DDTHH:MM:SSZ`; mode 0600; temp + fsync + rename in the same directory. What goes
// in depends on the write mode:
//   - Write::TokenOnly (`--aws-cache=sync`, the default): startUrl, region, accessToken,
//     expiresAt - all botocore's SSOTokenProvider and the JS and Go token providers need to
//     use the token (they refresh only inside their last 5-15 minutes, long after the daemon
//     renewed it). refreshToken, clientId, clientSecret and registrationExpiresAt are
//     removed from the file: they stay sealed in ssocred's own store, and a reader of
//     ~/.aws gets an access token that dies within hours, not a session that lasts months.
//   - Write::Full (`--aws-cache=sync-full`): also clientId, clientSecret,
//     registrationExpiresAt and refreshToken, exactly as the CLI writes them, so the CLI
//     can refresh on its own while the daemon is down.
// Reading is the same in both modes: a full file written by the CLI (`aws sso login`)
// hands its refresh token and registration to the daemon. Writes are read-merge-write cycles under
// an exclusive flock on the sidecar `<sha1>.json.lock` (other ssocred processes take it; the CLI
// and SDKs take no lock at all, hence the merge):
//   - members we do not know are preserved;
//   - (Full only) when our state has no refresh token, the one already in the file is kept
//   (botocore,
//     JS and Go drop it when a refresh response lacks one; §12 item 26) - unless the file
//     belongs to another client registration, with which that refresh token cannot work;
//   - the file is re-read under the lock right before writing, and if it holds a *newer*
//     token than ours (later expiresAt; or the same expiresAt, a different token, and a
//     file modified after our token was issued) the file wins: it is returned to the caller
//     and nothing is written.
//
// Readers tolerate half-written files (JS and Rust rewrite in place, §12 item 21): on a
// parse error or a missing required member, the file is read once more after a short
// delay; if it is still bad it is reported in the log (file name only) and ignored.
// Reads may therefore block for `reread_delay`: call them off the event loop, or accept it.
//
// The directory is created (0700) only when writing; an existing directory's mode is left
// as the user has it.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "ssocred/expected.hpp"

#include "store/aws_cli_cache_keys.hpp"
#include "store/token_state.hpp"

namespace ssocred {

namespace aws_cli {
// Parses the content of a token cache file as read_token does (minus the re-read and the
// file time: issued_at stays at the epoch). Invalid when it is not JSON or lacks
// accessToken/expiresAt. Exposed for the fuzz target of this untrusted-input parser.
Expected<TokenState> parse_token_file(std::string_view text, const std::string& session);

// The merge rule: does `candidate` (read from the cache file, issued_at = file mtime) hold a
// newer token than `ours`? A later expiry wins; at equal expiry, a different token issued
// (written) after ours wins.
bool is_newer_token(const TokenState& candidate, const TokenState& ours);
}  // namespace aws_cli

class AwsCliCache {
  public:
    enum class Write { TokenOnly, Full };

    // `dir` defaults to paths::aws_sso_cache_dir() (~/.aws/sso/cache; no SDK honours an
    // environment variable for it).
    explicit AwsCliCache(std::filesystem::path dir,
                         std::chrono::milliseconds reread_delay = std::chrono::milliseconds(50),
                         Write write = Write::Full);
    explicit AwsCliCache(Write write = Write::Full);

    const std::filesystem::path& dir() const { return dir_; }

    // Removes temporaries a killed writer left in the cache dir, each under the lock of the
    // file it was meant to replace (so no live writer's temporary is touched). Best effort;
    // returns how many were removed. Called once at start-up.
    std::size_t remove_stale_temporaries() const;
    // `<dir>/<sha1(session)>.json`; `session` is the sso-session name or the legacy start URL.
    std::filesystem::path token_path(const std::string& session) const;

    // The token file of `session` as a TokenState: session = the argument; registration set
    // when clientId and clientSecret are present (registrationExpiresAt optional, epoch 0 if
    // absent); issued_at = the file's modification time (the file has no issue time).
    // nullopt when there is no file, or no usable one (see above). An Error only for an
    // unreadable file (permissions, I/O).
    Expected<std::optional<TokenState>> read_token(const std::string& session) const;

    struct WriteResult {
        bool written = false;
        // Set when the file held a newer token than the one we were asked to write: the
        // caller should adopt it (and, with it, the refresh token another tool obtained).
        std::optional<TokenState> newer_on_disk;
    };
    // Needs state.session and an access token (Invalid otherwise).
    Expected<WriteResult> write_token(const TokenState& state) const;

    // Deletes the token file (logout). Registration files are kept, as `aws sso logout`
    // keeps them. A missing file is not an error.
    Status erase_token(const std::string& session) const;

    // The client-registration file `<registration key>.json` (§5.1, §6.2): clientId,
    // clientSecret, expiresAt, scopes (device flow, when configured), grantTypes (PKCE).
    // nullopt when absent or unusable.
    Expected<std::optional<ClientRegistration>> read_registration(
        const aws_cli::RegistrationKey& key) const;
    Status write_registration(const aws_cli::RegistrationKey& key,
                              const ClientRegistration& registration) const;

  private:
    std::filesystem::path dir_;
    std::chrono::milliseconds reread_delay_;
    Write write_;
};

}  // namespace ssocred
