// The directory the emulator serves: accounts, the roles assigned in each, and the
// lifetimes a --config file may set. Schema: docs/emulator.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ssocred/expected.hpp"

namespace emu {

struct Account {
    std::string id;  // 12 digits
    std::string name;
    std::string email;
    std::vector<std::string> roles;
};

// Settings a config file may carry; each is optional so command-line flags can override.
struct ConfigSettings {
    std::optional<long long> access_token_ttl;
    std::optional<long long> role_ttl;
    std::optional<long long> device_code_ttl;
    std::optional<long long> device_interval;
    std::optional<long long> registration_ttl;
    std::optional<long long> page_size;
    std::optional<long long> approve_after;
};

struct Catalog {
    std::vector<Account> accounts;
    ConfigSettings settings;

    const Account* find(const std::string& account_id) const;
};

// Three accounts with a few roles each: enough for pagination and not-assigned cases.
Catalog default_catalog();
ssocred::Expected<Catalog> load_catalog(const std::string& path);
ssocred::Expected<Catalog> parse_catalog(const std::string& text);

}  // namespace emu
