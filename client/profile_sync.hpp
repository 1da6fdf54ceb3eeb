// `ssocred profiles sync`, the pure part: from the AWS config text and the roles a session
// can reach, the new config text and what changed. No I/O here (cmd_profiles.cpp reads the
// daemon and writes the file).
//
// The guarantee: every byte outside this session's generated block is kept as it is. The
// block is delimited by marker comments (kBeginPrefix/kEndPrefix + session name) and is
// appended at the end of the file on the first run; a later run rewrites only the text
// between and including the markers. Inside, each section is ours: a user's edits there
// are replaced (the marker comment says so). A profile name that exists outside the block
// (hand-written, or another session's block) is never generated: duplicate sections make
// botocore refuse the whole file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ssocred/expected.hpp"

namespace ssocred::cli::profile_sync {

inline constexpr std::string_view kDefaultTemplate = "{account_name}/{role_name}";
inline constexpr std::string_view kBeginPrefix = "# >>> ssocred profiles sync: sso-session ";
inline constexpr std::string_view kBeginSuffix = " >>>";
inline constexpr std::string_view kEndPrefix = "# <<< ssocred profiles sync: sso-session ";
inline constexpr std::string_view kEndSuffix = " <<<";

// One role the session can reach.
struct Role {
    std::string account_id;
    std::string account_name;
    std::string role_name;
};

struct Options {
    std::string sso_session;
    // nullopt: the template (region) recorded in the block, else the default (no region).
    // An empty region removes a recorded one.
    std::optional<std::string> name_template;
    std::optional<std::string> region;
    bool prune = false;
};

// One generated profile in the report. `previous_name` is set when an update renamed it.
struct Entry {
    std::string name;
    std::string account_id;
    std::string role_name;
    std::string previous_name;
};

struct Skipped {
    std::string name;
    std::string account_id;
    std::string role_name;
    std::string reason;  // "a hand-written [profile X] exists"
};

struct Plan {
    std::string new_text;
    bool changed = false;
    std::string name_template;  // in effect
    std::string region;         // in effect, "" = none
    std::vector<Entry> added;
    std::vector<Entry> updated;
    std::vector<Entry> removed;
    std::vector<Entry> unchanged;
    // Kept without --prune although the session no longer reaches the role.
    std::vector<Entry> stale;
    std::vector<Skipped> skipped;
};

// Invalid unless every `{` opens {account_name}, {account_id} or {role_name} and the
// template has at least one placeholder and no `}` of its own.
Status validate_template(std::string_view name_template);

// Each run of characters that cannot stand in a section name unquoted — whitespace, control
// characters, [ ] " ' # ; — becomes one '-'.
std::string sanitize_name(std::string_view name);

// The template filled in and sanitised (the template must be valid).
std::string render_name(std::string_view name_template, const Role& role);

// The whole computation. Errors (Invalid): a bad template, a damaged block (a begin marker
// without its end, two blocks for the session).
Expected<Plan> plan_sync(std::string_view config_text, const std::vector<Role>& roles,
                         const Options& options);

}  // namespace ssocred::cli::profile_sync
