// Command-line flags of ssocred-emulator (see usage_text() / docs/emulator.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ssocred/expected.hpp"

namespace emu {

struct Options {
    std::string listen = "127.0.0.1:0";
    std::optional<std::string> config_file;
    // Unset values fall back to the config file, then to the built-in defaults (settings.hpp).
    std::optional<long long> access_token_ttl;
    std::optional<long long> role_ttl;
    std::optional<long long> approve_after;
    std::optional<long long> page_size;
    std::optional<long long> device_interval;
    std::optional<std::string> tls_cert;
    std::optional<std::string> tls_key;
    // Mint role credentials by STS AssumeRole on this endpoint (e.g. moto_server); the
    // signing key comes from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
    std::optional<std::string> sts_endpoint;
    std::optional<std::string> sts_region;
    bool allow_remote = false;
    bool help = false;
    bool version = false;
};

ssocred::Expected<Options> parse_options(const std::vector<std::string>& args);
std::string usage_text();

}  // namespace emu
