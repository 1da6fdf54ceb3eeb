"""The ssocred CLI against the real daemon and emulator; outputs parsed from --json, and
the environment it prints used by botocore."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unittest

from itest import DaemonTestCase
from daemon_harness import SSOCRED

PRINT_CREDS = ("import botocore.session as s; c=s.get_session().get_credentials();"
               "print(c.method, c.get_frozen_credentials().access_key)")


class Cli(DaemonTestCase):
    def test_status_list_use_json(self):
        st = json.loads(self.daemon.cli("status", "--json", check=True).stdout)
        self.assertEqual(st["active"]["profile"], "dev")
        self.assertEqual(st["sessions"][0]["state"], "logged_in")
        accounts = json.loads(self.daemon.cli("list", "--json", check=True).stdout)
        ids = {a["account_id"] for a in accounts["accounts"]}
        self.assertEqual(ids, {"111111111111", "222222222222", "333333333333"})
        self.daemon.cli("use", "222222222222/DeployAccess", check=True)
        st = json.loads(self.daemon.cli("status", "--json", check=True).stdout)
        self.assertEqual(st["active"]["role_name"], "DeployAccess")
        r = self.daemon.cli("use", "111111111111/NoSuchRole")
        self.assertEqual(r.returncode, 1)
        self.assertIn("not assigned", r.stderr)

    def test_usage_error_is_exit_2(self):
        self.assertEqual(self.daemon.cli("use", "--bogus").returncode, 2)

    def test_env_evaluated_by_shells_then_used_by_botocore(self):
        for shell in ("sh", "bash", "zsh"):
            path = shutil.which(shell)
            if not path:
                continue
            script = f'eval "$("{SSOCRED}" env --shell {"sh" if shell == "sh" else shell})"; exec "{sys.executable}" -c "{PRINT_CREDS}"'
            env = dict(self.daemon.env)
            r = subprocess.run([path, "-c", script], env=env, capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, (shell, r.stderr))
            method, key = r.stdout.split()
            self.assertEqual(method, "container-role", shell)
            self.assertIn(key, self.issued_key_ids())
        fish = shutil.which("fish")
        if fish:
            script = f'{SSOCRED} env --shell fish | source; {sys.executable} -c "{PRINT_CREDS}"'
            r = subprocess.run([fish, "-c", script], env=dict(self.daemon.env), capture_output=True,
                               text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.split()[0], "container-role")

    def test_env_profile_mints_a_scoped_token(self):
        out = self.daemon.cli("env", "--profile", "ro", "--shell", "sh", check=True).stdout
        token = next(l.split("=", 1)[1].strip("';") for l in out.splitlines()
                     if l.startswith("export AWS_CONTAINER_AUTHORIZATION_TOKEN="))
        self.assertNotEqual(token, self.token)
        self.assertEqual(self.get("/v1/profiles/ro/credentials", token)[0], 200)
        self.assertEqual(self.get("/v1/profiles/dev/credentials", token)[0], 403)

    def test_exec_exit_status_and_signal_forwarding(self):
        r = self.daemon.cli("exec", "--", sys.executable, "-c",
                            "import os,sys; sys.exit(7 if os.environ.get('AWS_CONTAINER_CREDENTIALS_FULL_URI') else 1)")
        self.assertEqual(r.returncode, 7, r.stderr)
        p = subprocess.Popen([SSOCRED, "exec", "--", sys.executable, "-c",
                              "import signal,sys,time; signal.signal(signal.SIGTERM, lambda *a: sys.exit(42)); print('ready', flush=True); time.sleep(30)"],
                             env=self.daemon.env, stdout=subprocess.PIPE, text=True)
        try:
            self.assertEqual(p.stdout.readline().strip(), "ready")
            p.send_signal(signal.SIGTERM)
            self.assertEqual(p.wait(20), 42)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()

    def test_credential_process_read_by_botocore(self):
        with open(self.daemon.config_file, "a") as f:
            f.write(f"\n[profile viaproc]\ncredential_process = {SSOCRED} credential-process --profile ro\n")
        out = self.python(PRINT_CREDS, {"AWS_PROFILE": "viaproc", "SSOCRED_SOCKET": self.daemon.socket})
        method, key = out.split()
        self.assertEqual(method, "custom-process")
        self.assertIn(key, self.issued_key_ids())

    def test_tokens_list_and_revoke(self):
        self.daemon.cli("env", "--profile", "ro", "--shell", "sh", check=True)
        tokens = json.loads(self.daemon.cli("tokens", "list", "--json", check=True).stdout)["tokens"]
        self.assertEqual(len(tokens), 1)
        self.assertEqual(tokens[0]["role"]["role_name"], "ReadOnlyAccess")
        self.assertNotIn("token", tokens[0])  # never the value
        self.daemon.cli("tokens", "revoke", tokens[0]["id"], check=True)
        tokens = json.loads(self.daemon.cli("tokens", "list", "--json", check=True).stdout)["tokens"]
        self.assertEqual(tokens, [])
        self.assertEqual(self.daemon.cli("tokens", "revoke", "nope").returncode, 1)

    def test_doctor_passes_then_warns_about_shadowing_variables(self):
        r = self.daemon.cli("doctor")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = self.daemon.cli("doctor", "--json", env={"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE"})
        checks = json.loads(r.stdout)
        text = json.dumps(checks)
        self.assertIn("AWS_ACCESS_KEY_ID", text)

    def test_doctor_and_status_name_the_platform(self):
        platform = self.daemon.platform()
        generic = platform["tcp_peer_owner"] == "none"
        r = self.daemon.cli("doctor", "--json")
        checks = {c["name"]: c for c in json.loads(r.stdout)["checks"]}
        self.assertIn("platform", checks)
        check = checks["platform"]
        self.assertEqual(check["status"], "warn" if generic else "ok", check)
        self.assertIn(platform["os_layer"], check["detail"])
        if generic:
            self.assertIn("--use-device-code", check["fix"])
        else:
            self.assertIsNone(check["fix"])
        out = self.daemon.cli("status", check=True).stdout
        line = next(l for l in out.splitlines() if l.startswith("OS layer"))
        self.assertIn(platform["os_layer"], line)
        self.assertEqual("(IMDS off)" in line, generic, line)

    def test_completions_for_each_shell(self):
        for shell in ("bash", "zsh", "fish"):
            out = self.daemon.cli("completion", shell, check=True).stdout
            self.assertIn("credential-process", out, shell)
        bash = shutil.which("bash")
        r = subprocess.run([bash, "-c", f'source <("{SSOCRED}" completion bash) && complete -p ssocred'],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_logout_then_credentials_need_a_login(self):
        self.daemon.cli("logout", check=True)
        st = json.loads(self.daemon.cli("status", "--json", check=True).stdout)
        self.assertEqual(st["sessions"][0]["state"], "logged_out")
        # SSOCRED_NO_LOGIN: the failure is the point (with a terminal it would sign in).
        r = self.daemon.cli("credential-process", env={"SSOCRED_NO_LOGIN": "1"})
        self.assertEqual(r.returncode, 1)
        self.assertIn("ssocred login --sso-session demo", r.stderr)
        self.daemon.cli("logout", check=True)  # idempotent

    def test_daemon_down_is_exit_3(self):
        self.daemon.stop()
        r = self.daemon.cli("status")
        self.assertEqual(r.returncode, 3)
        self.assertIn("ssocredd", r.stderr)
        r = self.daemon.cli("credential-process")
        self.assertNotEqual(r.returncode, 0)


class OneRoundTrip(DaemonTestCase):
    """`ssocred env`, `exec` and `credential-process` ask the daemon once on the happy path (issue 18;
    bench/cli_latency.sh counts the same way). A session that needs a sign-in still gets one:
    test_signin (`test_exec_and_env_sign_in_when_the_session_was_revoked_mid_use`,
    `test_no_login_and_the_setting_fail_fast_with_the_command`)."""

    def control_requests(self):
        status, text = self.daemon.control("GET", "/metrics", raw=True)
        self.assertEqual(status, 200)
        total = 0
        for line in text.decode().splitlines():
            m = re.match(r'ssocred_requests_total\{endpoint="control"[^}]*\}\s+(\d+)', line)
            if m:
                total += int(m.group(1))
        return total

    def requests_of(self, *args):
        before = self.control_requests()
        r = self.daemon.cli(*args)
        self.assertEqual(r.returncode, 0, (args, r.stderr))
        return self.control_requests() - before - 1  # minus our own /metrics GET

    def test_env_and_credential_process_make_one_request(self):
        imds = self.daemon.serves_imds()  # not in the portable build: --imds is refused
        commands = [("env",), ("env", "--profile", "ro"), ("env", "--token-file"),
                    ("credential-process", "--profile", "dev")]
        if imds:
            commands.append(("env", "--imds"))
        for args in commands:
            self.assertEqual(self.requests_of(*args), 1, args)
        # exec: the same one request, and the revocation of its token when the command ends.
        self.assertEqual(self.requests_of("exec", "--", "true"), 2)
        if imds:
            self.assertEqual(self.requests_of("exec", "--imds", "--", "true"), 1)  # no token
        else:  # refused in that one request, before anything runs
            r = self.daemon.cli("exec", "--imds", "--", "true")
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("off in this build", r.stderr)
        # What env printed works: the token it minted reaches the active role.
        out = json.loads(self.daemon.cli("env", "--json", check=True).stdout)
        status, creds = self.get_json("/v1/credentials",
                                      out["set"]["AWS_CONTAINER_AUTHORIZATION_TOKEN"])
        self.assertEqual(status, 200)
        self.assertIn(creds["AccessKeyId"], self.issued_key_ids())

    def test_env_token_survives_a_kill_9_of_the_daemon(self):
        out = json.loads(self.daemon.cli("env", "--profile", "ro", "--json", check=True).stdout)
        token = out["set"]["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        self.daemon.stop(signal.SIGKILL)  # no clean stop: nothing folded or synced on exit
        self.daemon.start()
        self.host, self.port = self.daemon.http_endpoint()
        status, _ = self.get_json("/v1/profiles/ro/credentials", token)
        self.assertEqual(status, 200)


if __name__ == "__main__":
    unittest.main()
