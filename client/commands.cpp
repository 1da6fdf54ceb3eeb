#include "commands.hpp"

#include <ostream>

#include "output.hpp"

namespace ssocred::cli {

const std::vector<CommandSpec>& commands() {
    static const FlagSpec kSession{"--sso-session", "NAME", "the [sso-session NAME] to use"};
    static const FlagSpec kNoLogin{"--no-login", "",
                                   "fail instead of signing in when the session needs a login"};
    static const std::vector<CommandSpec> table = {
        {"login",
         "log in to AWS IAM Identity Center",
         "[--sso-session NAME | --profile P] [--no-browser] [--use-device-code] [--force]",
         "Starts a login in ssocredd, opens the sign-in page in a browser ($BROWSER first)\n"
         "and waits until the login completes. The device-code flow is used when there is\n"
         "no display or over SSH, the browser flow (PKCE) otherwise. A session that is\n"
         "logged in gets no new login without --force. Ctrl-C cancels the login; in a\n"
         "second terminal that joined it, Ctrl-C only stops waiting.",
         {kSession,
          {"--profile", "P", "log in to the session of this AWS config profile"},
          {"--no-browser", "", "print the URL instead of opening a browser"},
          {"--use-device-code", "", "use the device-code flow (sign in on any device)"},
          {"--force", "", "sign in again even when logged in (cancels a running login)"}},
         0,
         0,
         true,
         false,
         {{"--sso-session", "--profile"}},
         cmd_login},
        {"logout",
         "log out and forget a session's tokens",
         "[--sso-session NAME | --all]",
         "Logs out of the session (the default one unless named) and wipes its tokens.",
         {kSession, {"--all", "", "log out of every session"}},
         0,
         0,
         true,
         false,
         {{"--sso-session", "--all"}},
         cmd_logout},
        {"list",
         "list accounts and roles",
         "[--sso-session NAME] [--refresh]",
         "Lists the accounts and roles the session can use; the active role is marked *.",
         {kSession,
          {"--refresh", "", "ask AWS again instead of using the 5-minute cache"},
          kNoLogin},
         0,
         0,
         true,
         false,
         {},
         cmd_list},
        {"use",
         "show or select the active role",
         "[PROFILE | ACCOUNT_ID/ROLE_NAME | --pick] [--sso-session NAME]",
         "Selects the role /v1/credentials and IMDS serve. Without an argument on a terminal\n"
         "(or with --pick) it opens a picker: type to filter (fuzzy: profile, account, role),\n"
         "arrows, Enter, Esc; the active role is marked * and preselected. Without a\n"
         "terminal, or with --json, it shows the active role.",
         {kSession, {"--pick", "", "choose from a list (needs a terminal)"}, kNoLogin},
         0,
         1,
         true,
         false,
         {},
         cmd_use},
        {"profiles",
         "write a [profile] per account and role into the AWS config",
         "sync [--sso-session NAME] [--template T] [--region R] [--prune] [--dry-run]",
         "Adds one [profile NAME] per account and role the session reaches to the AWS config\n"
         "file, in a block between marker comments that later runs update. Hand-written\n"
         "sections and comments are never changed; the previous file is kept as <file>.bak.\n"
         "Template placeholders: {account_name} {account_id} {role_name}.",
         {kSession,
          {"--template", "T", "profile names (default {account_name}/{role_name})"},
          {"--region", "R", "region = R in every generated profile ('' for none)"},
          {"--prune", "", "remove generated profiles of roles no longer reachable"},
          {"--dry-run", "", "print the diff and change nothing"}},
         1,
         1,
         true,
         false,
         {},
         cmd_profiles},
        {"status",
         "show the daemon's state",
         "",
         "Shows the daemon's version and uptime, endpoints, sessions, the active role, when\n"
         "tokens and credentials expire and renew, and recent errors.",
         {},
         0,
         0,
         true,
         false,
         {},
         cmd_status},
        {"env",
         "print shell commands that point AWS SDKs at ssocredd",
         "[--imds] [--profile P] [--container] [--token-file] [--ttl SECONDS] [--shell SHELL]",
         "Prints the variables an SDK needs; apply them with\n"
         "  eval \"$(ssocred env)\"                      (sh, bash, zsh)\n"
         "  ssocred env --shell fish | source\n"
         "  ssocred env --shell powershell | Out-String | Invoke-Expression\n"
         "Variables that would shadow ssocredd (static keys, AWS_PROFILE) are unset;\n"
         "SSOCRED_PROFILE names the role for shell prompts. The token minted for it expires\n"
         "after a day unused (each use extends it); --ttl gives it a fixed lifetime instead.",
         {{"--imds", "", "use the EC2 instance-metadata endpoint instead"},
          {"--profile", "P", "a token scoped to this profile's role"},
          {"--ttl", "SECONDS", "the token expires this long after now, used or not"},
          {"--container", "", "for a container: 169.254.170.2 and a scoped token file"},
          {"--token-file", "", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE instead of the value"},
          {"--shell",
           "SHELL",
           "output syntax (default: from $SHELL)",
           {"sh", "bash", "zsh", "fish", "powershell", "pwsh"}},
          kNoLogin},
         0,
         0,
         true,
         false,
         {{"--imds", "--profile"}, {"--imds", "--token-file"}, {"--imds", "--ttl"}},
         cmd_env},
        {"tokens",
         "list or revoke endpoint tokens",
         "[list | revoke ID | rotate-main]",
         "Lists the scoped and active-role endpoint tokens (never their values) or revokes\n"
         "one. rotate-main gives the main token (which only the CLI needs) a new value:\n"
         "anything still holding the old one gets 401 from then on.",
         {},
         0,
         2,
         true,
         false,
         {},
         cmd_tokens},
        {"exec",
         "run a command, or a shell, with the environment of `ssocred env`",
         "[--profile P] [--imds] [-- COMMAND [ARGS...]]",
         "Runs COMMAND with the variables `ssocred env` prints, forwards signals to it and\n"
         "exits with its status. Without COMMAND, starts $SHELL (else /bin/sh) for that role:\n"
         "leave it with `exit`. A token is minted for the run and revoked when it ends (by\n"
         "the daemon, should ssocred itself be killed).",
         {{"--profile", "P", "a token scoped to this profile's role"},
          {"--imds", "", "use the EC2 instance-metadata endpoint instead"},
          kNoLogin},
         0,
         static_cast<std::size_t>(-1),
         false,
         true,
         {{"--imds", "--profile"}},
         cmd_exec},
        {"console",
         "open the AWS console for a role",
         "[--profile P | PROFILE | ACCOUNT_ID/ROLE_NAME [--sso-session NAME]] "
         "[--destination URL] [--region R] [--url]",
         "Signs in to the AWS console with the role's credentials (the active role unless\n"
         "named; --profile, then AWS_PROFILE, as for `env`) and opens it in a browser.\n"
         "--url prints the sign-in URL instead: it is valid for 15 minutes and signs in\n"
         "whoever opens it. AWS_ENDPOINT_URL_SIGNIN replaces the sign-in endpoint.",
         {kSession,
          {"--profile", "P", "this profile's role instead of the active role"},
          {"--destination", "URL", "the console page to open (default: the console home)"},
          {"--region", "R", "the console's region (default: the profile's, else the session's)"},
          {"--url", "", "print the sign-in URL instead of opening a browser"},
          kNoLogin},
         0,
         1,
         true,
         false,
         {{"--sso-session", "--profile"}},
         cmd_console},
        {"credential-process",
         "print credentials for the AWS config credential_process",
         "[--profile P] [--auto-login | --no-login]",
         "Prints credential_process JSON (Version 1). In ~/.aws/config:\n"
         "  credential_process = ssocred credential-process --profile NAME\n"
         "When the session needs a login it signs in on the terminal, if there is one\n"
         "(or anywhere with --auto-login); otherwise it fails with the command to run.",
         {{"--profile", "P", "this profile's role instead of the active role"},
          {"--auto-login", "", "sign in even without a terminal (the browser opens)"},
          kNoLogin},
         0,
         0,
         false,
         false,
         {{"--auto-login", "--no-login"}},
         cmd_credential_process},
        {"container-setup",
         "add 169.254.170.2 to the container bridge (root)",
         "[--bridge IFACE] [--undo]",
         "Adds (or with --undo removes) 169.254.170.2/32 on the docker bridge so containers\n"
         "reach ssocredd at the address every SDK accepts. Needs root. Not persistent across\n"
         "reboots.",
         {{"--bridge", "IFACE", "the bridge interface (default docker0)"},
          {"--undo", "", "remove the address"}},
         0,
         0,
         false,
         false,
         {},
         cmd_container_setup},
        {"doctor",
         "check the set-up and say how to fix problems",
         "",
         "Checks the daemon, login, clock, environment variables, AWS config and endpoint.\n"
         "Exits 1 when a check fails.",
         {},
         0,
         0,
         true,
         false,
         {},
         cmd_doctor},
        {"completion",
         "print a shell completion script",
         "bash|zsh|fish",
         "  bash: source <(ssocred completion bash)\n"
         "  zsh:  ssocred completion zsh > \"${fpath[1]}/_ssocred\"\n"
         "  fish: ssocred completion fish > ~/.config/fish/completions/ssocred.fish",
         {},
         1,
         1,
         false,
         false,
         {},
         cmd_completion},
        {"help", "show help for a command", "[COMMAND]", "", {}, 0, 1, false, false, {}, cmd_help},
    };
    return table;
}

void print_overview(std::ostream& out) {
    out << "ssocred — the client of ssocredd, a credential daemon for AWS IAM Identity Center\n\n"
           "Usage: ssocred [--socket PATH] [--json] [--no-color] COMMAND [ARGS]\n\n"
           "Commands:\n";
    Table t({});
    for (const auto& c : commands()) t.add({std::string(c.name), std::string(c.summary)});
    t.print(out, Style{}, 2);
    out << "\nGlobal flags:\n";
    Table g({});
    g.add({"--socket PATH",
           "the control socket (default $SSOCRED_SOCKET or "
           "$XDG_RUNTIME_DIR/ssocred/ssocredd.sock)"});
    g.add({"--json", "machine-readable output (commands that support it)"});
    g.add({"--no-color", "no colour (also NO_COLOR=1)"});
    g.add({"--version", "print the version"});
    g.add({"-h, --help", "help; `ssocred help COMMAND` for one command"});
    g.print(out, Style{}, 2);
    out << "\nExit codes: 0 ok, 1 failure, 2 usage error, 3 ssocredd not running.\n";
}

void print_command_help(std::ostream& out, const CommandSpec& cmd) {
    out << "Usage: ssocred " << cmd.name;
    if (!cmd.synopsis.empty()) out << ' ' << cmd.synopsis;
    // Summaries are lower-case fragments for the overview; here they open a sentence.
    std::string summary(cmd.summary);
    if (!summary.empty() && summary[0] >= 'a' && summary[0] <= 'z')
        summary[0] = static_cast<char>(summary[0] - 'a' + 'A');
    out << "\n\n" << summary << ".\n";
    if (!cmd.description.empty()) out << '\n' << cmd.description << '\n';
    if (!cmd.flags.empty() || cmd.supports_json) {
        out << "\nFlags:\n";
        Table t({});
        for (const auto& f : cmd.flags) {
            std::string name(f.name);
            if (!f.metavar.empty()) name += " " + std::string(f.metavar);
            std::string help(f.help);
            if (!f.choices.empty()) {
                help += " (";
                for (std::size_t i = 0; i < f.choices.size(); ++i)
                    help += (i ? "|" : "") + std::string(f.choices[i]);
                help += ")";
            }
            t.add({name, help});
        }
        if (cmd.supports_json) t.add({"--json", "machine-readable output"});
        t.print(out, Style{}, 2);
    }
}

}  // namespace ssocred::cli
