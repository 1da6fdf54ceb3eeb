"""Port squatting on the fixed default port (issue 16 item 2, docs/security.md).

- The daemon that cannot bind its port because another user (`nobody`, via setpriv) holds
  it names that user and refuses to start.
- `ssocred env` and `ssocred doctor` refuse an endpoint whose listener belongs to another
  user (a stand-in daemon reports the squatted port).
- `ssocred env` hands SDKs an active-role token, never the main token: it reaches
  /v1/credentials only, follows `ssocred use`, and its expiry slides with use.
- The main token can be rotated: the old value stops working at once.
- The portable build cannot see who holds a port: its daemon still refuses a taken port,
  without a name, and `env`/`doctor` cannot check (docs/security.md, "Portable build")."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from itest import DaemonTestCase
from daemon_harness import SSOCRED, Daemon, build_platform
from ssocred_testlib import Emulator

HERE = os.path.dirname(os.path.abspath(__file__))

SQUATTER = r'''
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
print(s.getsockname()[1], flush=True)
sys.stdin.read()  # until the test closes our stdin
'''


class Squatter:
    """A listener on 127.0.0.1:<ephemeral> owned by user nobody."""

    def __init__(self):
        self.proc = subprocess.Popen(
            ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable,
             "-c", SQUATTER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd="/")
        self.port = int(self.proc.stdout.readline())

    def close(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()


@unittest.skipUnless(os.geteuid() == 0 and shutil.which("setpriv"),
                     "needs root and setpriv to hold a port as user nobody")
class SquattedPort(unittest.TestCase):
    def setUp(self):
        self.squatter = Squatter()
        self.addCleanup(self.squatter.close)
        self.tmp = tempfile.mkdtemp(prefix="ssocred-squat-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def test_daemon_refuses_to_start_and_names_the_owner(self):
        emu = Emulator()
        emu.start()
        self.addCleanup(emu.stop)
        daemon = Daemon(emu.url, tmpdir=self.tmp, listen=f"127.0.0.1:{self.squatter.port}")
        self.addCleanup(daemon.close)
        with self.assertRaises(RuntimeError):
            daemon.start()
        self.assertNotEqual(daemon.proc.returncode, 0)
        log = daemon.log()
        if build_platform()["tcp_peer_owner"] == "none":
            self.assertIn("in use", log)
            self.assertNotIn("nobody", log)  # no owner to name
            return
        self.assertIn("nobody", log)
        self.assertIn("hijack", log)

    def fake_daemon(self):
        run = os.path.join(self.tmp, "run")
        os.makedirs(run, mode=0o700)
        sock = os.path.join(run, "ssocredd.sock")
        proc = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_control.py"),
                                 "--socket", sock, "--http-port", str(self.squatter.port)],
                                stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: (proc.kill(), proc.wait(), proc.stdout.close()))
        self.assertEqual(proc.stdout.readline().strip(), "ready")
        return {"PATH": os.environ["PATH"], "HOME": self.tmp, "SSOCRED_SOCKET": sock,
                "XDG_RUNTIME_DIR": run, "NO_COLOR": "1"}

    def test_env_and_doctor_refuse_an_endpoint_held_by_another_user(self):
        env = self.fake_daemon()
        r = subprocess.run([SSOCRED, "env"], env=env, capture_output=True, text=True, timeout=30)
        if build_platform()["tcp_peer_owner"] == "none":
            # Nothing to check with: the portable build's known limit, not a refusal.
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn(str(self.squatter.port), r.stdout)
            return
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "")  # nothing to eval, no token printed
        self.assertIn("nobody", r.stderr)
        r = subprocess.run([SSOCRED, "doctor", "--json"], env=env, capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        checks = [c for c in json.loads(r.stdout)["checks"] if c["name"] == "endpoint"]
        self.assertTrue(checks)
        self.assertTrue(all(c["status"] == "fail" for c in checks), checks)
        self.assertIn("nobody", checks[0]["detail"])


class ActiveRoleToken(DaemonTestCase):
    def env_token(self, *args):
        r = self.daemon.cli("env", "--json", *args, check=True)
        return json.loads(r.stdout)["set"]

    def test_env_hands_an_active_role_token_not_the_main_token(self):
        exported = self.env_token()
        token = exported["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        self.assertNotEqual(token, self.token)
        self.assertTrue(exported["AWS_CONTAINER_CREDENTIALS_FULL_URI"].endswith("/v1/credentials"))
        status, dev = self.get_json("/v1/credentials", token)
        self.assertEqual(status, 200)
        self.assertIn("DeveloperAccess", dev["RoleArn"])
        # It follows `ssocred use`...
        self.daemon.cli("use", "ro", check=True)
        status, ro = self.get_json("/v1/credentials", token)
        self.assertEqual(status, 200)
        self.assertIn("ReadOnlyAccess", ro["RoleArn"])
        # ...and reaches no other path.
        for path in ("/v1/profiles/dev/credentials", "/v1/profiles/ro/credentials",
                     "/v1/accounts/111111111111/roles/ReadOnlyAccess/credentials"):
            self.assertEqual(self.get(path, token)[0], 403, path)
        listed = json.loads(self.daemon.cli("tokens", "list", "--json", check=True).stdout)
        mine = [t for t in listed["tokens"] if t["kind"] == "active"]
        self.assertEqual(len(mine), 1)
        self.assertIsNone(mine[0]["role"])
        self.assertEqual(mine[0]["idle_seconds"], 86400)
        self.daemon.cli("tokens", "revoke", mine[0]["id"], check=True)
        self.assertEqual(self.get("/v1/credentials", token)[0], 401)

    def test_token_file_variant(self):
        exported = self.env_token("--token-file")
        path = exported["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]
        with open(path) as f:
            token = f.read()
        self.assertNotEqual(token, self.token)
        self.assertEqual(self.get("/v1/credentials", token)[0], 200)
        self.assertEqual(self.get("/v1/profiles/dev/credentials", token)[0], 403)

    def test_expiry_slides_with_use(self):
        status, minted = self.daemon.control("POST", "/v1/tokens", {"active": True, "idle_seconds": 3})
        self.assertEqual(status, 201, minted)
        token = minted["token"]
        for _ in range(3):  # 4 s of use with a 3 s idle timeout: each use extends it
            self.assertEqual(self.get("/v1/credentials", token)[0], 200)
            time.sleep(1.3)
        self.assertEqual(self.get("/v1/credentials", token)[0], 200)
        time.sleep(3.5)  # idle past the timeout
        self.assertEqual(self.get("/v1/credentials", token)[0], 401)
        ids = [t["id"] for t in self.daemon.control("GET", "/v1/tokens")[1]["tokens"]]
        self.assertNotIn(minted["id"], ids)  # pruned

    def test_rotate_main(self):
        old = self.token
        self.assertEqual(self.get("/v1/credentials", old)[0], 200)
        r = self.daemon.cli("tokens", "rotate-main", check=True)
        self.assertIn("new value", r.stdout)
        self.assertEqual(self.get("/v1/credentials", old)[0], 401)
        info = self.daemon.endpoint_info()
        self.assertNotEqual(info["token"], old)
        self.assertEqual(self.get("/v1/credentials", info["token"])[0], 200)
        with open(info["token_file"]) as f:
            self.assertEqual(f.read(), info["token"])
        # A restart keeps the rotated value.
        self.daemon.stop()
        self.daemon.start()
        self.host, self.port = self.daemon.http_endpoint()
        self.assertEqual(self.daemon.endpoint_info()["token"], info["token"])


if __name__ == "__main__":
    unittest.main()
