#include "options.hpp"

#include <string_view>

#include "ssocred/paths.hpp"

namespace ssocred {

const char* aws_cache_mode_name(AwsCacheMode mode) {
    switch (mode) {
        case AwsCacheMode::Sync:
            return "sync";
        case AwsCacheMode::SyncFull:
            return "sync-full";
        case AwsCacheMode::Off:
            return "off";
    }
    return "off";
}

std::string usage_text() {
    return R"(Usage: ssocredd [OPTIONS]

Keeps your AWS IAM Identity Center session fresh and serves role credentials to every
AWS SDK on this machine (container-credentials and IMDSv2 endpoints). Runs in the
foreground; under systemd it uses socket activation and sd_notify.

Options:
  --socket PATH          control socket (default $XDG_RUNTIME_DIR/ssocred/ssocredd.sock,
                         or $SSOCRED_SOCKET)
  --listen ADDR:PORT     HTTP listener for the container and IMDS endpoints; repeatable;
                         port 0 picks a free port (see `ssocred status`).
                         Default: 127.0.0.1:9911 unless socket activation passes a TCP socket.
  --state-dir DIR        where sessions, tokens and the active role are kept
                         (default $XDG_STATE_HOME/ssocred, i.e. ~/.local/state/ssocred)
  --aws-cache=MODE       share the SSO token with the AWS CLI's ~/.aws/sso/cache:
                         sync (default) writes only what the CLI and SDKs need to use the
                         access token - no refresh token, no client secret, which stay
                         sealed in the state dir; sync-full writes the whole file as the AWS
                         CLI does (it can then refresh on its own while ssocredd is down);
                         off neither reads nor writes it
  --imds-v1              also answer IMDS requests that carry no session token
  --allow-cidr CIDR      accept HTTP clients from this network (e.g. a docker bridge);
                         repeatable; they still need the endpoint token
  --log-level LEVEL      trace, debug, info, warn, error (default info)
  --log-format FORMAT    text or json (default text; the journal when under systemd)
  --version              print the version and exit
  --help                 print this help and exit

Signals: SIGTERM drains and exits 0; SIGHUP re-reads ~/.aws/config.

Environment: AWS_CA_BUNDLE, HTTPS_PROXY/NO_PROXY, AWS_ENDPOINT_URL_SSO(_OIDC) as in the AWS
CLI; SSOCRED_UPSTREAM_TIMEOUT=SECONDS (1-300) shortens the connect/read timeout of calls to
Identity Center (default 5 s connect, 15 s read; meant for tests).
)";
}

Expected<ParsedCommandLine> parse_command_line(int argc, const char* const* argv) {
    ParsedCommandLine parsed;
    DaemonOptions& o = parsed.options;
    o.socket = paths::default_socket();
    o.state_dir = paths::default_state_dir();

    auto invalid = [](std::string msg) {
        return Error::make(ErrorCode::Invalid, std::move(msg) + " (see ssocredd --help)");
    };
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        std::string_view value;
        bool has_inline_value = false;
        if (arg.starts_with("--")) {
            if (auto eq = arg.find('='); eq != std::string_view::npos) {
                value = arg.substr(eq + 1);
                arg = arg.substr(0, eq);
                has_inline_value = true;
            }
        }
        auto take_value = [&](std::string_view& out) -> bool {
            if (has_inline_value) {
                out = value;
                return true;
            }
            if (i + 1 >= argc) return false;
            out = argv[++i];
            return true;
        };
        auto needs_value = [&](std::string_view name) {
            return invalid("option " + std::string(name) + " needs a value");
        };

        if (arg == "--help" || arg == "-h") {
            parsed.action = ParsedCommandLine::Action::PrintHelp;
        } else if (arg == "--version") {
            parsed.action = ParsedCommandLine::Action::PrintVersion;
        } else if (arg == "--imds-v1") {
            o.imds_v1 = true;
        } else if (arg == "--socket" || arg == "--listen" || arg == "--state-dir" ||
                   arg == "--aws-cache" || arg == "--allow-cidr" || arg == "--log-level" ||
                   arg == "--log-format") {
            std::string_view v;
            if (!take_value(v) || v.empty()) return needs_value(arg);
            if (arg == "--socket") {
                o.socket = paths::expand_user(std::string(v));
            } else if (arg == "--listen") {
                o.listen.emplace_back(v);
            } else if (arg == "--state-dir") {
                o.state_dir = paths::expand_user(std::string(v));
            } else if (arg == "--allow-cidr") {
                o.allow_cidrs.emplace_back(v);
            } else if (arg == "--aws-cache") {
                if (v == "sync")
                    o.aws_cache = AwsCacheMode::Sync;
                else if (v == "sync-full")
                    o.aws_cache = AwsCacheMode::SyncFull;
                else if (v == "off")
                    o.aws_cache = AwsCacheMode::Off;
                else
                    return invalid("--aws-cache must be sync, sync-full or off");
            } else if (arg == "--log-level") {
                static constexpr std::string_view kLevels[] = {"trace", "debug", "info",
                                                               "warn",  "error", "off"};
                bool known = false;
                for (auto level : kLevels) known = known || v == level;
                if (!known)
                    return invalid(
                        "--log-level must be one of trace, debug, info, warn, error, off");
                o.log_level = std::string(v);
            } else {  // --log-format
                if (v == "text")
                    o.log_format = LogFormat::Text;
                else if (v == "json")
                    o.log_format = LogFormat::Json;
                else
                    return invalid("--log-format must be text or json");
            }
        } else {
            return invalid("unknown option " + std::string(argv[i]));
        }
    }
    return parsed;
}

}  // namespace ssocred
