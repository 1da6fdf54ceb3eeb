"""The interop matrix harness (issue #7): real AWS clients get credentials from ssocredd with
their default credential chains, configured only by what `ssocred env` prints.

One InteropStack per test class:
  moto_server  on loopback, request-signature checking on (INITIAL_NO_AUTH_ACTION_COUNT):
               its first calls create an IAM user with an access key and the roles (with a
               trust policy naming that user); from then on every call must be signed;
  ssocred-emulator  with --sts-endpoint: every GetRoleCredentials is an AssumeRole on moto,
               so moto knows exactly the keys the daemon gets, and nothing else;
  ssocredd     in a temp HOME, logged in (device code) and `ssocred use interop`.
Each cell's environment is what `ssocred env [...]` prints, evaluated by sh the way a user
does (`eval "$(ssocred env)"`), on top of a bare environment (PATH, HOME, XDG_RUNTIME_DIR);
the credential_process cell uses a profile of the AWS config instead.

A cell passes when the client's access key id is one the emulator issued for the expected
role (admin API), the expiry the client parsed equals the issued one, the credentials were
not expired when used, and a request the client signed reached moto and was accepted as
the assumed role. Results go to a table: printed at the end of each module and written to
$SSOCRED_BIN_DIR/interop-results.md (merged over every module of the run) — see
render_table.py and docs/interop.md.

Secrets (secret keys, session tokens, the endpoint token) never reach output: the client
programs never print them, and every text that goes into the table passes redact().
"""
import datetime
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from daemon_harness import SSOCRED, Daemon
from ssocred_testlib import Emulator, Process, free_tmpdir

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
MOTO_SERVER = shutil.which("moto_server")
ACCOUNT = "123456789012"  # moto's default account: its trust policies are checked there
ROLES = ["InteropAdmin", "InteropReadOnly"]
REGION = "us-east-1"
SESSION_NAME = "ssocred-emulator"  # the emulator's RoleSessionName
SETUP_USER = "ssocred-emulator"

# Profiles of the AWS config the daemon and the clients read.
PROFILES = {
    "interop": {"sso_session": "demo", "sso_account_id": ACCOUNT,
                "sso_role_name": "InteropAdmin", "region": REGION},
    "other": {"sso_session": "demo", "sso_account_id": ACCOUNT,
              "sso_role_name": "InteropReadOnly", "region": REGION},
    "proc": {"credential_process": f"{SSOCRED} credential-process --profile interop",
             "region": REGION},
}

# The endpoint columns: name -> (ssocred env arguments or None, the role it must reach,
# extra variables on top of the bare environment).
ENDPOINTS = {
    "container-token": (["env"], "InteropAdmin", {}),
    "container-token-file": (["env", "--token-file"], "InteropAdmin", {}),
    "profile-uri": (["env", "--profile", "other"], "InteropReadOnly", {}),
    "imds": (["env", "--imds"], "InteropAdmin", {}),
    "credential-process": (None, "InteropAdmin", {"AWS_PROFILE": "proc"}),
}
COLUMNS = list(ENDPOINTS) + ["long-running"]
COLUMN_TITLES = {
    "container-token": "container + `AWS_CONTAINER_AUTHORIZATION_TOKEN`",
    "container-token-file": "container + `…_TOKEN_FILE`",
    "profile-uri": "per-profile URI (`env --profile`)",
    "imds": "IMDSv2 (`env --imds`)",
    "credential-process": "`credential_process`",
    "long-running": "long-running, ≥ 2 renewals",
}


def assumed_role_arn(role):
    return f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{SESSION_NAME}"


def parse_time(text):
    """RFC 3339 (with Z or an offset, optional fraction) -> aware datetime, else None."""
    if not text or not isinstance(text, str):
        return None
    t = text.strip().replace("Z", "+00:00")
    try:
        dt = datetime.datetime.fromisoformat(t)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=datetime.timezone.utc)


# ---------------------------------------------------------------------------------------
# moto_server with signature checking
# ---------------------------------------------------------------------------------------

class Moto:
    """moto_server on 127.0.0.1 (ephemeral port). After start(): `url`, and `key` = the
    IAM user's (access_key_id, secret_access_key) that the emulator signs AssumeRole with.
    Exactly the set-up calls run unauthenticated; anything after must be signed with keys
    moto knows (checked by start())."""

    def __init__(self, tmpdir, roles=ROLES):
        self.roles = list(roles)
        # CreateUser, PutUserPolicy, CreateAccessKey, one CreateRole per role.
        self.setup_calls = 3 + len(self.roles)
        self.process = Process([MOTO_SERVER, "-H", "127.0.0.1", "-p", "0"], name="moto",
                               tmpdir=tmpdir,
                               env={"INITIAL_NO_AUTH_ACTION_COUNT": str(self.setup_calls),
                                    "MOTO_PORT": None, "MOTO_ACCOUNT_ID": None,
                                    "AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None,
                                    "AWS_SESSION_TOKEN": None})
        self.url = None
        self.key = None

    def start(self, timeout=60):
        self.process.start()
        line = self.process.wait_for_line(" * Running on http://", timeout=timeout,
                                          stream="stderr")
        self.url = line.split("Running on ", 1)[1].split()[0].rstrip("/")
        self._set_up_principals()
        return self

    def stop(self):
        return self.process.stop()

    def client(self, service, access_key, secret_key, token=None):
        import botocore.config
        import botocore.session
        s = botocore.session.Session()
        for var in ("profile", "config_file", "credentials_file"):
            s.set_config_variable(var, None if var == "profile" else os.devnull)
        return s.create_client(service, endpoint_url=self.url, region_name=REGION,
                               aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                               aws_session_token=token,
                               config=botocore.config.Config(retries={"max_attempts": 1}))

    def _set_up_principals(self):
        # Unauthenticated: moto does not check these first `setup_calls` signatures.
        iam = self.client("iam", "AKIASETUPSETUPSETUP0", "setup")
        user = iam.create_user(UserName=SETUP_USER)["User"]
        iam.put_user_policy(UserName=SETUP_USER, PolicyName="assume-interop-roles",
                            PolicyDocument=json.dumps({
                                "Version": "2012-10-17",
                                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                               "Resource": f"arn:aws:iam::{ACCOUNT}:role/*"}]}))
        key = iam.create_access_key(UserName=SETUP_USER)["AccessKey"]
        trust = json.dumps({"Version": "2012-10-17",
                            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                           "Principal": {"AWS": user["Arn"]}}]})
        for role in self.roles:
            iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)
        self.key = (key["AccessKeyId"], key["SecretAccessKey"])
        # From here on moto checks signatures: an unknown key must be refused.
        try:
            iam.list_users()
        except Exception as e:  # noqa: BLE001
            if "InvalidClientTokenId" not in str(e):
                raise
        else:
            raise RuntimeError("moto_server accepted an unsigned call after set-up: "
                               "signature checking is not on")

    def caller_arn(self, access_key, secret_key, token):
        """GetCallerIdentity signed with these credentials: the Arn, or raises
        botocore.exceptions.ClientError (SignatureDoesNotMatch, InvalidClientTokenId)."""
        return self.client("sts", access_key, secret_key, token).get_caller_identity()["Arn"]


# ---------------------------------------------------------------------------------------
# The whole stack for one test class
# ---------------------------------------------------------------------------------------

class InteropStack:
    """moto (if installed) + emulator (--sts-endpoint) + logged-in daemon with
    `ssocred use interop`. role_ttl: the emulator's role credential lifetime."""

    def __init__(self, role_ttl=3600):
        self.role_ttl = role_ttl
        self.tmp = free_tmpdir(prefix="ssocred-interop-")
        self.moto = None
        self.emu = None
        self.daemon = None
        self.moto_missing = None if MOTO_SERVER else \
            "moto_server is not installed (pip package moto[server]); no signed request checked"

    def start(self):
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def _start(self):
        emu_env = {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None,
                   "AWS_SESSION_TOKEN": None}
        emu_args = ["--approve-after", "0", "--device-interval", "0",
                    "--role-ttl", str(self.role_ttl), "--config", self._write_catalog()]
        if not self.moto_missing:
            self.moto = Moto(os.path.join(self.tmp, "moto"))
            os.makedirs(self.moto.process.tmpdir, exist_ok=True)
            self.moto.start()
            emu_args += ["--sts-endpoint", self.moto.url, "--sts-region", REGION]
            emu_env.update({"AWS_ACCESS_KEY_ID": self.moto.key[0],
                            "AWS_SECRET_ACCESS_KEY": self.moto.key[1]})
        self.emu = Emulator(*emu_args, env=emu_env)
        self.emu.start()
        self.daemon = Daemon(self.emu.url, tmpdir=os.path.join(self.tmp, "daemon"),
                             config_profiles=PROFILES)
        os.makedirs(self.daemon.tmp, exist_ok=True)
        self.daemon.start(timeout=60)  # the shared 2-core machine can be very busy
        self.daemon.login()
        self.daemon.cli("use", "interop", check=True)

    def _write_catalog(self):
        path = os.path.join(self.tmp, "emulator.json")
        with open(path, "w") as f:
            json.dump({"accounts": [{"account_id": ACCOUNT, "account_name": "Interop",
                                     "roles": ROLES}]}, f)
        return path

    def close(self):
        for part in (self.daemon, self.emu, self.moto):
            if part is None:
                continue
            try:
                part.close() if isinstance(part, Daemon) else part.stop()
            except Exception:  # noqa: BLE001 - keep stopping the others
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- environments ---------------------------------------------------------------------
    def bare_env(self):
        """What a user's shell has before `eval "$(ssocred env)"`: no AWS variables."""
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "HOME": self.daemon.home,
                "XDG_RUNTIME_DIR": self.daemon.runtime,
                "LANG": "C.UTF-8"}

    def env_for(self, endpoint):
        """The environment of a cell: `ssocred env ARGS` evaluated by sh on top of
        bare_env(), or bare_env() + AWS_PROFILE for credential_process."""
        args, _, extra = ENDPOINTS[endpoint]
        base = self.bare_env()
        base.update(extra)
        if args is None:
            return base
        script = ('out=$("$SSOCRED_BIN" ' + " ".join(f"'{a}'" for a in args) +
                  ' --shell sh) || exit 97; eval "$out"; unset SSOCRED_BIN; exec env -0')
        r = subprocess.run(["sh", "-c", script], env=dict(base, SSOCRED_BIN=SSOCRED),
                           capture_output=True, timeout=30)
        if r.returncode != 0:
            raise RuntimeError(f"ssocred {' '.join(args)} failed ({r.returncode}): "
                               f"{self.redact(r.stderr.decode(errors='replace'))}")
        env = {}
        for item in r.stdout.split(b"\0"):
            if b"=" in item:
                k, v = item.decode().split("=", 1)
                env[k] = v
        env.pop("PWD", None)
        env.pop("SHLVL", None)
        env.pop("_", None)
        return env

    # -- what the emulator issued ---------------------------------------------------------
    def issued(self):
        return self.emu.issued()["role_credentials"]

    def issued_record(self, key_id):
        for c in self.issued():
            if c["access_key_id"] == key_id:
                return c
        return None

    def secrets(self):
        values = {self.daemon.endpoint_info()["token"]}
        issued = self.emu.issued()
        for c in issued["role_credentials"]:
            values |= {c["secret_access_key"], c["session_token"], c["access_token"]}
        values |= {t["access_token"] for t in issued["access_tokens"]}
        values |= {t["refresh_token"] for t in issued["refresh_tokens"]}
        if self.moto:
            values.add(self.moto.key[1])
        # Scoped token files hold their token values.
        return {v for v in values if v and len(v) >= 8}

    def redact(self, text):
        if not text:
            return text
        try:
            values = self.secrets()
        except Exception:  # noqa: BLE001 - no emulator: nothing to look for
            values = set()
        for v in values:
            text = text.replace(v, "<redacted>")
        return text

    # -- checking a client's report -------------------------------------------------------
    def check_line(self, line, role, require_arn=True, check_expiry=True):
        """Problems with one contract line (empty list = the cell's checks hold)."""
        problems = []
        if line.get("error"):
            return [f"client error: {self.redact(str(line['error']))[:300]}"]
        key_id = line.get("access_key_id")
        rec = self.issued_record(key_id) if key_id else None
        if rec is None:
            return [f"access key id {key_id!r} was not issued by the emulator"]
        if rec["role_name"] != role or rec["account_id"] != ACCOUNT:
            problems.append(f"key is for {rec['account_id']}/{rec['role_name']}, expected "
                            f"{ACCOUNT}/{role}")
        if check_expiry:
            parsed = parse_time(line.get("expiration"))
            issued_exp = parse_time(rec["expiration"])
            if parsed is None:
                problems.append(f"expiry not parsed (client reported {line.get('expiration')!r})")
            elif abs((parsed - issued_exp).total_seconds()) > 1.0:
                problems.append(f"client's expiry {line.get('expiration')} != issued "
                                f"{rec['expiration']}")
        if line.get("expired_at_use"):
            problems.append("credentials were expired when used")
        if require_arn and not self.moto_missing:
            want = rec.get("assumed_role_arn") or assumed_role_arn(role)
            if line.get("caller_arn") != want:
                problems.append(f"signed request: caller {line.get('caller_arn')!r}, "
                                f"expected {want!r}")
        return problems


# ---------------------------------------------------------------------------------------
# Running client programs
# ---------------------------------------------------------------------------------------

class ClientRun:
    def __init__(self, returncode, lines, stderr):
        self.returncode = returncode
        self.lines = lines
        self.stderr = stderr


def run_contract_client(argv, env, timeout=120, cwd=None):
    """Runs a program of the client contract; returns its exit code, parsed JSON lines and
    stderr. Non-JSON stdout lines become {"error": "non-JSON output"} (never echoed, as
    they could hold anything)."""
    try:
        r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout,
                           cwd=cwd)
    except subprocess.TimeoutExpired:
        return ClientRun(-1, [], f"timed out after {timeout}s")
    lines = []
    for raw in r.stdout.splitlines():
        raw = raw.strip()
        if not raw:
            continue
        try:
            lines.append(json.loads(raw))
        except ValueError:
            lines.append({"error": "non-JSON output line"})
    return ClientRun(r.returncode, lines, r.stderr)


def start_contract_client(argv, env, tmpdir, name):
    """A long-running contract client as a Process (stdout in a file)."""
    return Process(argv, env=env, name=name, tmpdir=tmpdir, inherit_env=False).start()


def python_client_argv(*args):
    return [sys.executable, os.path.join(HERE, "py_client.py"), *args]


def js_client_status():
    """(argv prefix, None) or (None, reason the JS client cannot run here)."""
    node = shutil.which("node")
    if not node:
        return None, "node is not installed (Debian nodejs; scripts/install-deps.sh test)"
    js = os.path.join(HERE, "js")
    if not os.path.isdir(os.path.join(js, "node_modules", "@aws-sdk", "credential-providers")):
        return None, ("tests/interop/js/node_modules is missing: `npm ci` in tests/interop/js "
                      "(scripts/install-deps.sh test) could not install the pinned SDK")
    return [node, os.path.join(js, "client.mjs")], None


_go_binary = {}


def go_client_status():
    """(argv prefix, None) or (None, reason). Builds once per process into
    $SSOCRED_BIN_DIR/interop-go (GOCACHE kept there, so later runs are incremental)."""
    if "result" in _go_binary:
        return _go_binary["result"]
    if not shutil.which("go"):
        result = (None, "go is not installed (Debian golang-go; scripts/install-deps.sh test)")
    elif not os.path.isdir("/usr/share/gocode/src/github.com/aws/aws-sdk-go-v2/config"):
        result = (None, "Debian golang-github-aws-aws-sdk-go-v2-dev is not installed")
    else:
        out = os.path.join(os.environ.get("SSOCRED_BIN_DIR") or tempfile.gettempdir(),
                           "interop-go")
        r = subprocess.run([os.path.join(HERE, "go", "build.sh"), out], capture_output=True,
                           text=True, timeout=900)
        if r.returncode != 0:
            # Installed but does not build: that is a failure, not a skip.
            raise RuntimeError(f"tests/interop/go/build.sh failed:\n{r.stderr[-3000:]}")
        result = ([os.path.join(out, "ssocred-interop-go")], None)
    _go_binary["result"] = result
    return result


def command_version(argv, env=None):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env)
        return (r.stdout.strip() or r.stderr.strip()).splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


# ---------------------------------------------------------------------------------------
# The results table
# ---------------------------------------------------------------------------------------

def results_dir():
    base = os.environ.get("SSOCRED_BIN_DIR")
    return base if base and os.path.isdir(base) else None


class ResultTable:
    """Cells of one test module. save() writes them to
    $SSOCRED_BIN_DIR/interop/<module>.json and re-renders the merged
    $SSOCRED_BIN_DIR/interop-results.md under a lock (modules run in parallel)."""

    def __init__(self, module):
        self.module = module
        self.rows = {}      # client -> {column: (status, detail)}
        self.order = []
        self.versions = {}  # component -> version text
        self.notes = []

    def record(self, client, column, status, detail=""):
        assert status in ("pass", "fail", "skip", "n/a"), status
        if client not in self.rows:
            self.rows[client] = {}
            self.order.append(client)
        self.rows[client][column] = (status, detail)

    def version(self, component, text):
        self.versions[component] = text

    def note(self, text):
        if text not in self.notes:
            self.notes.append(text)

    def to_json(self):
        return {"module": self.module,
                "finished": datetime.datetime.now(datetime.timezone.utc).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"),
                "rows": [{"client": c, "cells": {k: list(v) for k, v in self.rows[c].items()}}
                         for c in self.order],
                "versions": self.versions, "notes": self.notes}

    def save_and_print(self):
        part = self.to_json()
        directory = results_dir()
        parts = [part]
        if directory:
            os.makedirs(os.path.join(directory, "interop"), exist_ok=True)
            lock_path = os.path.join(directory, "interop", ".lock")
            with open(lock_path, "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                path = os.path.join(directory, "interop", f"{self.module}.json")
                with open(path + ".tmp", "w") as f:
                    json.dump(part, f, indent=1)
                os.replace(path + ".tmp", path)
                parts = load_parts(directory)
                with open(os.path.join(directory, "interop-results.md.tmp"), "w") as f:
                    f.write(render_markdown(parts))
                os.replace(os.path.join(directory, "interop-results.md.tmp"),
                           os.path.join(directory, "interop-results.md"))
        sys.stderr.write("\n" + render_markdown([part]) + "\n")
        if directory:
            sys.stderr.write(f"(merged table of every interop module so far: "
                             f"{os.path.join(directory, 'interop-results.md')})\n")


def load_parts(directory):
    parts = []
    folder = os.path.join(directory, "interop")
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        if name.endswith(".json"):
            try:
                with open(os.path.join(folder, name)) as f:
                    parts.append(json.load(f))
            except (OSError, ValueError):
                continue
    return parts


# Rows by client family, then by name.
ROW_ORDER = ["botocore default chain", "botocore", "AWS CLI v2", "AWS CLI v1",
             "JS v3 fromNodeProviderChain", "JS", "Go"]


def render_markdown(parts):
    """One table: client × endpoint; then versions and notes."""
    cols = COLUMNS
    lines = ["| client | " + " | ".join(COLUMN_TITLES[c] for c in cols) + " |",
             "|---|" + "---|" * len(cols)]
    versions = {}
    notes = []
    details = []
    rows = []
    for part in parts:
        versions.update(part.get("versions", {}))
        notes += [n for n in part.get("notes", []) if n not in notes]
        rows += part.get("rows", [])
    def order(row):
        family = next((i for i, prefix in enumerate(ROW_ORDER)
                       if row["client"].startswith(prefix)), len(ROW_ORDER))
        return family, row["client"]

    for row in sorted(rows, key=order):
        cells = []
        for c in cols:
            if c not in row["cells"]:
                cells.append("—")
                continue
            status, detail = row["cells"][c]
            if detail:
                details.append(f"{row['client']} / {c}: **{status}** — {detail}")
                cells.append(f"{status} [{len(details)}]")
            else:
                cells.append(status)
        lines.append(f"| {row['client']} | " + " | ".join(cells) + " |")
    out = ["## Interop matrix", "",
           "pass = key id issued by the emulator for the role, expiry parsed as issued, not "
           "expired when used, and a request signed with it accepted by moto as that role. "
           "— = the client has no such provider or the cell does not apply.", ""]
    out += lines
    if details:
        out += ["", "Details:", ""] + [f"{i}. {d}" for i, d in enumerate(details, 1)]
    if versions:
        out += ["", "Versions:", ""] + [f"- {k}: {v}" for k, v in sorted(versions.items())]
    if notes:
        out += ["", "Notes:", ""] + [f"- {n}" for n in notes]
    finished = sorted(p.get("finished", "") for p in parts)
    modules = ", ".join(p.get("module", "?") for p in parts)
    if finished:
        out += ["", f"Modules: {modules}; last finished {finished[-1]}."]
    return "\n".join(out) + "\n"


def base_versions(table, stack=None):
    import botocore
    table.version("ssocred", command_version([SSOCRED, "--version"]))
    table.version("botocore (reference client, AWS CLI v1's too)", botocore.__version__)
    if MOTO_SERVER:
        try:
            import moto
            table.version("moto (STS stand-in, signature checking on)", moto.__version__)
        except ImportError:
            pass


# ---------------------------------------------------------------------------------------
# Test-case base: cells of one client family
# ---------------------------------------------------------------------------------------

import unittest  # noqa: E402 - only the test-case part needs it


class MatrixCase(unittest.TestCase):
    """One InteropStack per class. Subclasses set `table` (the module's ResultTable) and
    call run_cells() / run_long_running()."""

    role_ttl = 3600
    table = None

    @classmethod
    def setUpClass(cls):
        cls.stack = InteropStack(role_ttl=cls.role_ttl).start()
        if cls.stack.moto_missing:
            sys.stderr.write(f"\nNOTE: {cls.stack.moto_missing}\n")
            cls.table.note(cls.stack.moto_missing)

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def sts_args(self):
        return [] if self.stack.moto_missing else ["--sts-endpoint", self.stack.moto.url]

    def cell_problems(self, run, role, check_expiry=True):
        if run.returncode != 0 and not any(l.get("error") for l in run.lines):
            tail = self.stack.redact(run.stderr.strip())[-300:]
            return [f"exit {run.returncode}; stderr: {tail}"]
        if not run.lines:
            return ["no output line"]
        problems = []
        for line in run.lines:
            problems += self.stack.check_line(line, role, check_expiry=check_expiry)
        if run.returncode != 0 and not problems:
            problems.append(f"exit {run.returncode}")
        return problems

    def record(self, client, column, problems, lacks=None):
        """Records a cell; `lacks` = evidence from the client's own source that it does not
        have the feature the cell needs (lacks_feature()), turning a failure — only a
        failure — into n/a. Returns the problems that still count."""
        if problems and lacks:
            self.table.record(client, column, "n/a",
                              f"the client lacks the feature: {lacks}; observed: {problems[0]}")
            return []
        if problems:
            self.table.record(client, column, "fail", "; ".join(problems))
        else:
            self.table.record(client, column, "pass")
        return problems

    def run_cells(self, client, argv_prefix, provider, columns, cwd=None, lacks=None):
        """Runs `argv_prefix --provider P [--sts-endpoint]` once per endpoint column; returns
        {column: ClientRun}. lacks: {column: evidence} (see record())."""
        runs = {}
        for column in columns:
            with self.subTest(client=client, endpoint=column):
                role = ENDPOINTS[column][1]
                env = self.stack.env_for(column)
                run = run_contract_client([*argv_prefix, "--provider", provider,
                                           *self.sts_args()], env, cwd=cwd)
                problems = self.record(client, column, self.cell_problems(run, role),
                                       (lacks or {}).get(column))
                runs[column] = run
                self.assertEqual(problems, [], f"{client} × {column}")
        return runs

    def run_long_running(self, client, argv_prefix, provider="chain", interval=2):
        """One client process across ≥ 2 renewals: duration = role_ttl + 10 s, so the first
        credentials expire during the run and the client must move on."""
        duration = self.role_ttl + 10
        role = ENDPOINTS["container-token"][1]
        env = self.stack.env_for("container-token")
        before = {c["access_key_id"] for c in self.stack.issued() if c["role_name"] == role}
        run = run_contract_client([*argv_prefix, "--provider", provider, *self.sts_args(),
                                   "--duration", str(duration), "--interval", str(interval)],
                                  env, timeout=duration + 120)
        problems = self.cell_problems(run, role)
        used = {l.get("access_key_id") for l in run.lines if l.get("access_key_id")}
        issued_during = {c["access_key_id"] for c in self.stack.issued()
                         if c["role_name"] == role} - before
        if len(issued_during) < 2:
            problems.append(f"only {len(issued_during)} renewal(s) by the daemon during the "
                            f"run (needs ≥ 2)")
        if len(used) < 2:
            problems.append(f"the client used {len(used)} distinct key(s): it never moved "
                            f"to renewed credentials")
        if len(run.lines) < duration // interval // 2:
            problems.append(f"only {len(run.lines)} uses in {duration}s")
        self.record(client, "long-running", problems)
        if not problems:
            self.table.note(f"long-running ({client}): {len(run.lines)} uses over {duration}s "
                            f"with {self.role_ttl}s role credentials; the daemon renewed "
                            f"{len(issued_during)}×, the client used {len(used)} keys, none "
                            f"expired at use, every signed request accepted")
        self.assertEqual(problems, [], f"{client} long-running")
        return run


def source_evidence(source, present, absent, explanation):
    """Evidence from a client's own source that it lacks something a cell needs: `source`
    contains `present` and never mentions `absent`. Returns "`file:line` <explanation>",
    or None when the file is missing or does not look like that (then a failure stays a
    failure)."""
    try:
        with open(source, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return None
    if absent in text or present not in text:
        return None
    line = next(i for i, l in enumerate(text.splitlines(), 1) if present in l)
    shown = os.path.relpath(source, REPO) if source.startswith(REPO + os.sep) else source
    return f"`{shown}:{line}` {explanation}"


def lacks_feature(source, feature="AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                  has="AWS_CONTAINER_AUTHORIZATION_TOKEN"):
    """The provider in `source` reads `has` but does not know `feature`."""
    return source_evidence(source, has, feature, f"reads only {has} and never mentions "
                                                 f"{feature}")


def module_table(module_name):
    """The module's ResultTable; call table.save_and_print() from tearDownModule."""
    return ResultTable(module_name)
