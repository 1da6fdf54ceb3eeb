// `ssocred profiles sync`: one generated [profile] per account and role the session
// reaches (GET /v1/accounts), written into a marked block of the AWS config file. The text
// work is profile_sync.cpp; the file replace is config_file_writer.cpp.
#include <algorithm>
#include <chrono>
#include <ostream>

#include "ssocred/paths.hpp"

#include "aws_config_scan.hpp"
#include "commands.hpp"
#include "config_file_writer.hpp"
#include "context.hpp"
#include "json_util.hpp"
#include "line_diff.hpp"
#include "profile_sync.hpp"

namespace ssocred::cli {
namespace {

namespace ps = profile_sync;

json entries_json(const std::vector<ps::Entry>& entries) {
    json out = json::array();
    for (const auto& e : entries) {
        json j = {{"profile", e.name}, {"account_id", e.account_id}, {"role_name", e.role_name}};
        if (!e.previous_name.empty()) j["previous_profile"] = e.previous_name;
        out.push_back(std::move(j));
    }
    return out;
}

std::string plural(std::size_t n, std::string_view word) {
    return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

int run_sync(Context& ctx, const Args& args) {
    ps::Options options;
    options.name_template = args.get("--template");
    options.region = args.get("--region");
    options.prune = args.has("--prune");
    const bool dry_run = args.has("--dry-run");
    if (options.name_template) {
        if (auto st = ps::validate_template(*options.name_template); !st)
            return usage(ctx, "profiles", st.error().message);
    }

    auto file = read_config_file(paths::aws_config_file());
    if (!file) return report(ctx, file.error());

    // Always fresh (not the daemon's 5-minute cache): a removed account must be seen now.
    std::string target = "/v1/accounts?refresh=1";
    if (auto s = args.get("--sso-session")) target += "&sso_session=" + url_encode(*s);
    RequestOptions slow;
    slow.timeout = std::chrono::minutes(5);  // thousands of accounts: one call per account
    auto listing = ctx.client().call("GET", target, std::nullopt, slow);
    if (!listing) return report(ctx, listing.error());
    options.sso_session = str(*listing, "session");

    // The daemon may read another file (its own AWS_CONFIG_FILE): generated profiles must
    // name a session this file defines.
    const auto sections = scan_config_text(file->text, file->path.string());
    if (!sections) return report(ctx, sections.error());
    if (std::find(sections->sso_sessions.begin(), sections->sso_sessions.end(),
                  options.sso_session) == sections->sso_sessions.end()) {
        return report(
            ctx, Error::make(ErrorCode::NotFound,
                             file->path.string() + " has no [sso-session " + options.sso_session +
                                 "] (does ssocredd read another AWS config file?)"));
    }

    std::vector<ps::Role> roles;
    for (const auto& a : arr(*listing, "accounts")) {
        for (const auto& r : arr(a, "roles")) {
            if (!r.is_string()) continue;
            roles.push_back({str(a, "account_id"), str(a, "account_name"), r.get<std::string>()});
        }
    }
    auto plan = ps::plan_sync(file->text, roles, options);
    if (!plan) {
        return report(ctx, Error::make(ErrorCode::Invalid,
                                       file->target.string() + ": " + plan.error().message));
    }
    for (const auto& s : plan->skipped) {
        ctx.err << "ssocred: skipped " << s.account_id << "/" << s.role_name << " as '" << s.name
                << "': " << s.reason << '\n';
    }

    std::string backup;
    if (dry_run) {
        if (!ctx.global.json) {
            ctx.out << unified_diff(file->text, plan->new_text, file->path.string(),
                                    file->path.string() + " (after profiles sync)");
        }
    } else if (plan->changed) {
        auto written = replace_config_file(*file, plan->new_text);
        if (!written) return report(ctx, written.error());
        backup = written->string();
    }

    if (ctx.global.json) {
        json out = {{"file", file->target.string()},
                    {"sso_session", options.sso_session},
                    {"template", plan->name_template},
                    {"region", plan->region.empty() ? json(nullptr) : json(plan->region)},
                    {"dry_run", dry_run},
                    {"changed", plan->changed},
                    {"backup", backup.empty() ? json(nullptr) : json(backup)},
                    {"added", entries_json(plan->added)},
                    {"updated", entries_json(plan->updated)},
                    {"removed", entries_json(plan->removed)},
                    {"unchanged", entries_json(plan->unchanged)},
                    {"stale", entries_json(plan->stale)}};
        json skipped = json::array();
        for (const auto& s : plan->skipped) {
            skipped.push_back({{"profile", s.name},
                               {"account_id", s.account_id},
                               {"role_name", s.role_name},
                               {"reason", s.reason}});
        }
        out["skipped"] = std::move(skipped);
        if (dry_run)
            out["diff"] = unified_diff(file->text, plan->new_text, file->path.string(),
                                       file->path.string() + " (after profiles sync)");
        print_json(ctx.out, out);
        return kExitOk;
    }

    // The summary goes to stderr on a dry run, so stdout is the diff alone (for `patch`).
    std::ostream& out = dry_run ? ctx.err : ctx.out;
    const std::size_t total =
        plan->added.size() + plan->updated.size() + plan->unchanged.size() + plan->stale.size();
    if (!plan->changed) {
        out << "Profiles of sso-session " << options.sso_session << " are up to date ("
            << plural(total, "generated profile") << "); " << file->path.string()
            << " was not written.\n";
    } else if (dry_run) {
        out << "Dry run, nothing written: would add " << plan->added.size() << ", update "
            << plan->updated.size() << " and remove " << plan->removed.size()
            << " generated profiles of sso-session " << options.sso_session << " in "
            << file->path.string() << ".\n";
    } else {
        out << "Wrote " << file->path.string() << ": " << plan->added.size() << " added, "
            << plan->updated.size() << " updated, " << plan->removed.size() << " removed, "
            << plan->unchanged.size() << " unchanged generated profiles of sso-session "
            << options.sso_session << " (previous file: " << backup << ").\n";
    }
    if (!plan->stale.empty()) {
        out << "Kept " << plural(plan->stale.size(), "generated profile")
            << " of roles the session no longer reaches (--prune removes them).\n";
    }
    return kExitOk;
}

}  // namespace

int cmd_profiles(Context& ctx, const Args& args) {
    const auto& pos = args.positional();
    if (pos.empty() || pos[0] != "sync") return usage(ctx, "profiles", "expected `profiles sync`");
    return run_sync(ctx, args);
}

}  // namespace ssocred::cli
