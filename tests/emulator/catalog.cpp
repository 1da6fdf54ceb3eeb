#include "catalog.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace emu {

using ssocred::Error;
using ssocred::ErrorCode;
using Json = nlohmann::json;

const Account* Catalog::find(const std::string& account_id) const {
    auto it = std::find_if(accounts.begin(), accounts.end(),
                           [&](const Account& a) { return a.id == account_id; });
    return it == accounts.end() ? nullptr : &*it;
}

Catalog default_catalog() {
    Catalog c;
    c.accounts = {
        {"111111111111",
         "Development",
         "dev@example.com",
         {"AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "DeveloperAccess"}},
        {"222222222222",
         "Staging",
         "staging@example.com",
         {"PowerUserAccess", "ReadOnlyAccess", "DeployAccess"}},
        {"333333333333", "Production", "prod@example.com", {"ReadOnlyAccess", "BillingAccess"}},
    };
    return c;
}

namespace {

ssocred::Expected<std::optional<long long>> optional_int(const Json& j, const char* key) {
    if (!j.contains(key)) return std::optional<long long>{};
    if (!j[key].is_number_integer()) {
        return Error::make(ErrorCode::Invalid,
                           std::string("config: \"") + key + "\" must be an integer");
    }
    return std::optional<long long>{j[key].get<long long>()};
}

}  // namespace

ssocred::Expected<Catalog> parse_catalog(const std::string& text) {
    Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
        return Error::make(ErrorCode::Invalid, "config: not a JSON object");
    }
    Catalog c = default_catalog();
    if (j.contains("accounts")) {
        const Json& list = j["accounts"];
        if (!list.is_array())
            return Error::make(ErrorCode::Invalid, "config: \"accounts\" must be an array");
        c.accounts.clear();
        for (const Json& a : list) {
            if (!a.is_object() || !a.contains("account_id") || !a["account_id"].is_string()) {
                return Error::make(ErrorCode::Invalid,
                                   "config: every account needs a string \"account_id\"");
            }
            Account acc;
            acc.id = a["account_id"].get<std::string>();
            acc.name = a.value("account_name", "Account " + acc.id);
            acc.email = a.value("email", "aws+" + acc.id + "@example.com");
            if (a.contains("roles")) {
                if (!a["roles"].is_array()) {
                    return Error::make(ErrorCode::Invalid, "config: \"roles\" must be an array");
                }
                for (const Json& r : a["roles"]) {
                    if (!r.is_string()) {
                        return Error::make(ErrorCode::Invalid, "config: role names are strings");
                    }
                    acc.roles.push_back(r.get<std::string>());
                }
            }
            if (c.find(acc.id)) {
                return Error::make(ErrorCode::Invalid, "config: duplicate account " + acc.id);
            }
            c.accounts.push_back(std::move(acc));
        }
    }
    struct Field {
        const char* key;
        std::optional<long long> ConfigSettings::*member;
    };
    static constexpr Field kFields[] = {
        {"access_token_ttl", &ConfigSettings::access_token_ttl},
        {"role_ttl", &ConfigSettings::role_ttl},
        {"device_code_ttl", &ConfigSettings::device_code_ttl},
        {"device_interval", &ConfigSettings::device_interval},
        {"registration_ttl", &ConfigSettings::registration_ttl},
        {"page_size", &ConfigSettings::page_size},
        {"approve_after", &ConfigSettings::approve_after},
    };
    for (const Field& f : kFields) {
        auto v = optional_int(j, f.key);
        if (!v) return std::move(v).error();
        c.settings.*(f.member) = *v;
    }
    return c;
}

ssocred::Expected<Catalog> load_catalog(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error::make(ErrorCode::Io, "cannot read config file " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_catalog(ss.str());
}

}  // namespace emu
