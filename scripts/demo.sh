#!/usr/bin/env bash
# The demo: the bundled Identity Center emulator, ssocredd, a device-code login, a role
# selection, and botocore (a real SDK nobody here wrote) fetching credentials from the
# daemon's container endpoint and its IMDSv2 endpoint. Everything runs on loopback in a
# temporary HOME and is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test >/dev/null
scripts/build.sh release >/dev/null
bin=build/release

work=$(mktemp -d /tmp/ssocred-demo.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "Start the Identity Center emulator (a local stand-in for AWS; test/demo tool)"
"$bin/tests/emulator/ssocred-emulator" --listen 127.0.0.1:0 --approve-after 1 >"$work/emulator.out" 2>"$work/emulator.err" &
pids+=($!)
for _ in $(seq 100); do grep -q '^listening on' "$work/emulator.out" 2>/dev/null && break; sleep 0.05; done
emu=$(sed -n 's/^listening on //p' "$work/emulator.out" | head -1)
echo "emulator at $emu"

export HOME="$work/home" XDG_RUNTIME_DIR="$work/run" XDG_STATE_HOME="$work/state"
export AWS_CONFIG_FILE="$HOME/.aws/config" AWS_ENDPOINT_URL_SSO_OIDC="$emu" AWS_ENDPOINT_URL_SSO="$emu"
mkdir -p "$HOME/.aws" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
cat >"$AWS_CONFIG_FILE" <<CFG
[sso-session demo]
sso_start_url = https://d-0000000000.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = demo
sso_account_id = 111111111111
sso_role_name = DeveloperAccess
region = eu-west-1
CFG
say "~/.aws/config"
cat "$AWS_CONFIG_FILE"

say "Start ssocredd"
"$bin/daemon/ssocredd" --listen 127.0.0.1:0 >"$work/ssocredd.log" 2>&1 &
pids+=($!)
ssocred="$bin/client/ssocred"
for _ in $(seq 100); do "$ssocred" status >/dev/null 2>&1 && break; sleep 0.05; done

say "Log in (device code; the emulator approves after one poll)"
run "$ssocred" login --use-device-code --no-browser

say "Accounts and roles"
run "$ssocred" list

say "Pick the active role"
run "$ssocred" use dev

say "The environment an SDK needs"
run "$ssocred" env --shell bash
eval "$("$ssocred" env --shell bash)"

say "botocore fetches credentials from the container endpoint"
python3 - <<'PY'
import botocore.session
s = botocore.session.get_session()
c = s.get_credentials()
f = c.get_frozen_credentials()
print(f"provider:      {c.method}")
print(f"access key id: {f.access_key}")
print(f"expires:       {c._expiry_time.isoformat()}")
PY

say "botocore fetches credentials from the IMDSv2 endpoint"
eval "$("$ssocred" env --imds --shell bash)"
python3 - <<'PY'
import botocore.session
c = botocore.session.get_session().get_credentials()
print(f"provider:      {c.method}")
print(f"access key id: {c.get_frozen_credentials().access_key}")
PY

say "Daemon status"
run "$ssocred" status
