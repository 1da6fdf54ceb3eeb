"""Per-shell roles: `ssocred exec` without a command opens a shell for a role (driven in tmux
as a person would), SSOCRED_PROFILE in every environment ssocred prints or sets, and the
lifetimes of the tokens the CLI mints: sliding, fixed (--ttl), pruned, and bound to the
`exec` process so a kill -9 does not leak one."""
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

from itest import DaemonTestCase
from daemon_harness import SSOCRED

DOCS_CLI = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "cli.md")

BOTO3_KEY = ("import boto3; c = boto3.Session().get_credentials().get_frozen_credentials(); "
             "print('KEY=' + c.access_key)")


def wait_for(predicate, timeout, interval=0.1):
    """Polls predicate() until it is truthy or `timeout` seconds pass; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


class Tmux:
    """One tmux server on a socket of its own, running /bin/sh with `env`."""

    def __init__(self, env):
        self.socket = "ssocred-shell-" + uuid.uuid4().hex[:12]
        self.env = dict(env)
        subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", "new-session", "-d",
                        "-x", "160", "-y", "50", "/bin/sh"],
                       env=self.env, check=True, timeout=30)

    def send(self, line):
        subprocess.run(["tmux", "-L", self.socket, "send-keys", "-l", line],
                       check=True, timeout=10)
        subprocess.run(["tmux", "-L", self.socket, "send-keys", "Enter"], check=True, timeout=10)

    def screen(self):
        r = subprocess.run(["tmux", "-L", self.socket, "capture-pane", "-p", "-J", "-S", "-200"],
                           capture_output=True, text=True, timeout=10)
        return r.stdout

    def wait(self, pattern, timeout=30):
        found = wait_for(lambda: re.search(pattern, self.screen()), timeout, 0.2)
        if not found:
            raise AssertionError(f"{pattern!r} not on the screen:\n{self.screen()}")
        return found

    def close(self):
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10)


class ExecShell(DaemonTestCase):
    def tokens(self):
        status, body = self.daemon.control("GET", "/v1/tokens")
        self.assertEqual(status, 200)
        return body["tokens"]

    @unittest.skipUnless(shutil.which("tmux") and shutil.which("bash"), "needs tmux and bash")
    def test_exec_without_command_is_a_shell_for_the_role(self):
        env = dict(self.daemon.env)
        env.update({"SHELL": "/bin/bash", "PS1": "$ ", "TERM": "xterm",
                    "PYTHONDONTWRITEBYTECODE": "1"})
        tmux = Tmux(env)
        self.addCleanup(tmux.close)
        tmux.send(f"{shlex.quote(SSOCRED)} exec --profile ro")
        tmux.wait(r"for ro .*`exit`")
        tmux.send('echo "P=[$SSOCRED_PROFILE]"')
        tmux.wait(r"P=\[ro\]")
        # A real client gets credentials through the container endpoint variables.
        tmux.send(f"{shlex.quote(sys.executable)} -c {shlex.quote(BOTO3_KEY)}")
        key = tmux.wait(r"KEY=([A-Z0-9]{16,})").group(1)
        self.assertIn(key, self.issued_key_ids())
        tokens = self.tokens()
        self.assertEqual(len(tokens), 1)
        self.assertEqual(tokens[0]["label"], "exec (shell) --profile ro")
        self.assertIsNotNone(tokens[0]["bound_pid"])
        self.assertIsNotNone(tokens[0]["expires_at"])

        # A shell inside it says that it is nested, and `exit` returns to the outer one.
        tmux.send(f"{shlex.quote(SSOCRED)} exec --profile dev")
        tmux.wait(r"for dev .*`exit`.*return to the shell for ro")
        tmux.send('echo "Q=[$SSOCRED_PROFILE]"')
        tmux.wait(r"Q=\[dev\]")
        tmux.send("exit")
        tmux.send('echo "R=[$SSOCRED_PROFILE]"')
        tmux.wait(r"R=\[ro\]")
        tmux.send("exit")
        tmux.send('echo "back rc=$? P=[$SSOCRED_PROFILE]"')
        tmux.wait(r"back rc=0 P=\[\]")
        self.assertEqual(self.tokens(), [])

    def test_exec_killed_by_sigkill_does_not_leak_its_token(self):
        child = ("import os, sys, time; print(os.getpid(), flush=True); "
                 "sys.stdout.close(); time.sleep(60)")
        p = subprocess.Popen([SSOCRED, "exec", "--profile", "dev", "--", sys.executable, "-c",
                              child], env=self.daemon.env, stdout=subprocess.PIPE, text=True)
        child_pid = None
        try:
            child_pid = int(p.stdout.readline())
            tokens = self.tokens()
            self.assertEqual(len(tokens), 1)
            self.assertEqual(tokens[0]["bound_pid"], p.pid)
            p.kill()  # SIGKILL to ssocred only: it cannot revoke anything
            p.wait(10)
            self.assertEqual(wait_for(lambda: self.tokens() == [], 10), True,
                             "the token outlived the ssocred exec that held it")
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()
            if child_pid:
                try:
                    os.kill(child_pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    BOUND_CLIENT = (
        "import json, socket, sys\n"
        "s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])\n"
        "body = json.dumps({'profile': 'dev', 'idle_seconds': 600, 'bind_to_client': True})\n"
        "s.sendall(('POST /v1/tokens HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/json\\r\\n'\n"
        "           'Content-Length: %d\\r\\n\\r\\n%s' % (len(body), body)).encode())\n"
        "print(s.recv(65536).decode().split('\\r\\n\\r\\n', 1)[1], flush=True)\n"
        "sys.stdin.readline()\n")

    def bound_client(self):
        """A control-API client that mints a token bound to itself, then waits for stdin."""
        p = subprocess.Popen([sys.executable, "-c", self.BOUND_CLIENT, self.daemon.socket],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

        def cleanup():
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdin.close()
            p.stdout.close()
        self.addCleanup(cleanup)
        minted = json.loads(p.stdout.readline())
        self.assertEqual(minted["bound_pid"], p.pid)
        return p, minted

    @staticmethod
    def end(p):
        p.stdin.write("\n")
        p.stdin.flush()
        p.wait(10)

    def test_bound_token_is_revoked_when_its_client_exits(self):
        # The control API itself: a client that binds a token and exits takes it along.
        p, minted = self.bound_client()
        self.assertEqual(self.get("/v1/profiles/dev/credentials", minted["token"])[0], 200)
        self.end(p)
        self.assertTrue(wait_for(lambda: self.tokens() == [], 10))
        self.assertEqual(self.get("/v1/profiles/dev/credentials", minted["token"])[0], 401)

    def test_binding_survives_a_daemon_restart(self):
        gone, gone_token = self.bound_client()
        alive, alive_token = self.bound_client()
        self.assertEqual(self.daemon.stop(), 0)
        self.end(gone)  # exits while the daemon is down
        self.daemon.start()
        self.host, self.port = self.daemon.http_endpoint()  # a new ephemeral port
        # Revoked at start-up, since its process is gone; the other one is watched again.
        self.assertEqual([t["id"] for t in self.tokens()], [alive_token["id"]])
        self.assertEqual(self.get("/v1/profiles/dev/credentials", alive_token["token"])[0], 200)
        self.end(alive)
        self.assertTrue(wait_for(lambda: self.tokens() == [], 10))
        self.assertEqual(self.get("/v1/profiles/dev/credentials", alive_token["token"])[0], 401)


class Lifetimes(DaemonTestCase):
    def tokens(self):
        status, body = self.daemon.control("GET", "/v1/tokens")
        self.assertEqual(status, 200)
        return body["tokens"]

    def test_env_profile_token_slides_and_is_listed_with_its_expiry(self):
        out = json.loads(self.daemon.cli("env", "--profile", "ro", "--json", check=True).stdout)
        [tok] = self.tokens()
        self.assertEqual(tok["id"], out["token_id"])
        self.assertEqual(tok["idle_seconds"], 86400)
        self.assertIsNotNone(tok["expires_at"])
        self.assertIsNone(tok["bound_pid"])
        human = self.daemon.cli("tokens", check=True).stdout
        self.assertNotIn("never", human)
        # A sliding expiry moves with each use (a small idle timeout over the control API,
        # the same code path: env sends idle_seconds).
        status, minted = self.daemon.control("POST", "/v1/tokens", {
            "profile": "dev", "idle_seconds": 2, "file": True, "label": "sliding"})
        self.assertEqual(status, 201, minted)
        token, file = minted["token"], minted["token_file"]
        self.assertTrue(os.path.exists(file))
        first_expiry = minted["expires_at"]
        start = time.monotonic()
        while time.monotonic() - start < 4.5:  # more than twice the idle timeout in total
            self.assertEqual(self.get("/v1/profiles/dev/credentials", token)[0], 200)
            time.sleep(0.7)
        listed = [t for t in self.tokens() if t["id"] == minted["id"]]
        self.assertEqual(len(listed), 1)
        self.assertGreater(listed[0]["expires_at"], first_expiry)
        time.sleep(3)  # unused for longer than the idle timeout
        self.assertEqual(self.get("/v1/profiles/dev/credentials", token)[0], 401)
        self.assertNotIn(minted["id"], [t["id"] for t in self.tokens()])
        self.assertFalse(os.path.exists(file))

    def test_ttl_is_a_fixed_expiry_then_pruned(self):
        out = json.loads(self.daemon.cli("env", "--profile", "dev", "--ttl", "2", "--json",
                                         check=True).stdout)
        token = out["set"]["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        [tok] = self.tokens()
        self.assertIsNone(tok["idle_seconds"])
        self.assertIsNotNone(tok["expires_at"])
        self.assertEqual(self.get("/v1/profiles/dev/credentials", token)[0], 200)
        time.sleep(1)
        self.assertEqual(self.get("/v1/profiles/dev/credentials", token)[0], 200)
        time.sleep(1.5)  # past the fixed expiry, however recently it was used
        self.assertEqual(self.get("/v1/profiles/dev/credentials", token)[0], 401)
        self.assertEqual(self.tokens(), [])
        registry = os.path.join(self.daemon.state_dir, "endpoint-tokens.json")
        with open(registry) as f:
            self.assertEqual(json.load(f)["tokens"], [])
        self.assertEqual(self.daemon.cli("env", "--imds", "--ttl", "5").returncode, 2)
        self.assertEqual(self.daemon.cli("env", "--ttl", "soon").returncode, 2)

    def test_every_environment_names_its_role(self):
        def exported(*args):
            return json.loads(self.daemon.cli("env", *args, "--json", check=True).stdout)["set"]

        self.assertEqual(exported()["SSOCRED_PROFILE"], "dev")
        self.assertEqual(exported("--profile", "ro")["SSOCRED_PROFILE"], "ro")
        if self.daemon.serves_imds():
            self.assertEqual(exported("--imds")["SSOCRED_PROFILE"], "dev")
        else:  # the portable build: IMDS answers nobody, and `env --imds` says so at once
            r = self.daemon.cli("env", "--imds")
            self.assertEqual(r.returncode, 1, r.stdout)
            self.assertEqual(r.stdout, "")
            self.assertIn("off in this build", r.stderr)
        self.assertEqual(exported("--token-file")["SSOCRED_PROFILE"], "dev")
        # Printed for a shell too, not only in --json.
        out = self.daemon.cli("env", "--profile", "stg", "--shell", "sh", check=True).stdout
        self.assertIn("export SSOCRED_PROFILE='stg';", out)
        show = [sys.executable, "-c", "import os; print(os.environ['SSOCRED_PROFILE'])"]
        r = self.daemon.cli("exec", "--profile", "ro", "--", *show, check=True)
        self.assertEqual(r.stdout.strip(), "ro")
        if self.daemon.serves_imds():
            r = self.daemon.cli("exec", "--imds", "--", *show, check=True)
            self.assertEqual(r.stdout.strip(), "dev")
        # A role without a profile is named ACCOUNT_ID/ROLE_NAME.
        self.daemon.cli("use", "333333333333/BillingAccess", check=True)
        r = self.daemon.cli("exec", "--", *show, check=True)
        self.assertEqual(r.stdout.strip(), "333333333333/BillingAccess")
        # exec's tokens are gone once it returns.
        self.assertEqual([t for t in self.tokens() if t["label"].startswith("exec")], [])


class PromptSnippets(unittest.TestCase):
    """The bash, zsh and fish prompt snippets in docs/cli.md at least parse."""

    def snippets(self):
        with open(DOCS_CLI) as f:
            text = f.read()
        section = text[text.index("#### Shell prompts"):]
        section = section[:section.index("\n### ")]
        return dict(re.findall(r"```(bash|zsh|fish|toml)\n(.*?)```", section, re.S))

    def test_snippets_parse(self):
        snippets = self.snippets()
        self.assertEqual(set(snippets), {"bash", "zsh", "fish", "toml"})
        for shell in ("bash", "zsh", "fish"):
            path = shutil.which(shell)
            if not path:
                continue
            with tempfile.NamedTemporaryFile("w", suffix="." + shell) as f:
                f.write(snippets[shell])
                f.flush()
                r = subprocess.run([path, "-n", f.name], capture_output=True, text=True,
                                   timeout=30)
                self.assertEqual(r.returncode, 0, (shell, r.stderr))
        self.assertIn("SSOCRED_PROFILE", snippets["toml"])

    @unittest.skipUnless(shutil.which("bash"), "needs bash")
    def test_bash_snippet_shows_the_profile(self):
        snippet = self.snippets()["bash"]
        r = subprocess.run(["bash", "-c", snippet + '\nprintf "%s" "$(__ssocred_ps1)"'],
                           env={"PATH": os.environ["PATH"], "SSOCRED_PROFILE": "dev", "PS1": "$ "},
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.stdout, "(aws:dev) ", r.stderr)


if __name__ == "__main__":
    unittest.main()
