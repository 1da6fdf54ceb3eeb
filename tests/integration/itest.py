"""Shared set-up for the integration tests: an emulator, a daemon in a temp HOME, a login."""
import json
import os
import subprocess
import sys
import unittest

from daemon_harness import Daemon, http_request
from ssocred_testlib import Emulator

PROFILES = {
    "dev": {"sso_session": "demo", "sso_account_id": "111111111111",
            "sso_role_name": "DeveloperAccess", "region": "eu-west-1"},
    "ro": {"sso_session": "demo", "sso_account_id": "111111111111",
           "sso_role_name": "ReadOnlyAccess", "region": "eu-west-1"},
    "stg": {"sso_session": "demo", "sso_account_id": "222222222222",
            "sso_role_name": "DeployAccess"},
}


class DaemonTestCase(unittest.TestCase):
    """One emulator and one logged-in daemon per test (fresh state each time)."""
    emulator_args = ("--approve-after", "0", "--device-interval", "0")
    daemon_args = ()
    login = True

    def setUp(self):
        self.emu = Emulator(*self.emulator_args)
        self.emu.start()
        self.addCleanup(self.emu.stop)
        self.daemon = Daemon(self.emu.url, extra_args=self.daemon_args, config_profiles=PROFILES)
        self.addCleanup(self.daemon.close)
        self.daemon.start()
        if self.login:
            self.daemon.login()
            self.daemon.cli("use", "dev", check=True)
        self.host, self.port = self.daemon.http_endpoint()
        self.token = self.daemon.endpoint_info()["token"]

    def get(self, path, token=None, headers=None, method="GET"):
        h = {"Host": f"127.0.0.1:{self.port}"}
        if token:
            h["Authorization"] = token
        h.update(headers or {})
        status, hdrs, body = http_request(self.host, self.port, method, path, headers=h)
        return status, hdrs, body

    def get_json(self, path, token=None, headers=None):
        status, hdrs, body = self.get(path, token, headers)
        return status, json.loads(body) if body else None

    def issued_key_ids(self):
        return {c["access_key_id"] for c in self.emu.issued()["role_credentials"]}

    def python(self, code, env):
        """Runs python3 code with exactly `env` (plus PATH/HOME); returns stdout."""
        e = {"PATH": os.environ["PATH"], "HOME": self.daemon.home, "AWS_CONFIG_FILE": self.daemon.config_file}
        e.update(env)
        r = subprocess.run([sys.executable, "-c", code], env=e, capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def assert_no_secrets_in_log(self):
        issued = self.emu.issued()
        secrets = {self.token}
        for c in issued["role_credentials"]:
            secrets |= {c["secret_access_key"], c["session_token"], c["access_token"]}
        secrets |= {t["access_token"] for t in issued["access_tokens"]}
        secrets |= {t["refresh_token"] for t in issued["refresh_tokens"]}
        secrets.discard("")  # no bearer token behind keys from the emulator's STS
        log = self.daemon.log()
        self.assertGreater(len(secrets), 3)
        for s in secrets:
            self.assertNotIn(s, log, "a secret reached the daemon's log")
