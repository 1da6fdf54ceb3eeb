// Fuzz target: the AWS shared config file (~/.aws/config), which any tool or person may have
// written. Runs the INI parser, the SSO model built on it, and the rules that resolve every
// profile - the same calls the daemon makes on a config it loads.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/aws_config.hpp"
#include "config/ini_parser.hpp"

using namespace ssocred;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    // The raw parser on its own: its invariants must hold whatever the input.
    if (auto doc = config::parse_ini(text, "config")) {
        for (const auto& section : doc->sections) {
            if (section.words.empty()) __builtin_trap();  // a section always has a name
        }
    }

    (void)config::parse_scopes(text);  // sso_registration_scopes values
    auto cfg = config::parse_aws_config(text, "config");
    if (!cfg) return 0;
    // With and without $AWS_PROFILE naming one of the profiles.
    (void)config::list_sso_sessions(*cfg);
    const auto sessions =
        config::list_sso_sessions(*cfg, cfg->profiles.empty() ? "" : cfg->profiles.begin()->first);
    for (const auto& s : sessions.sessions) {
        if (s.id.empty()) __builtin_trap();  // a session is always named
    }
    for (const auto& [name, profile] : cfg->profiles) {
        auto resolved = config::resolve_profile(*cfg, name);
        if (resolved && resolved->role.session != resolved->session_id) __builtin_trap();
    }
    return 0;
}
