"""Another local user against the socket path and the log (issue 16, items 1 and 6), run as
two real users: the test is root (the victim's daemon and CLI), `nobody` the attacker
(setpriv, as in test_hostile).

Without XDG_RUNTIME_DIR the control socket defaults to /tmp/ssocred-<uid>/ssocred/. A
stand-in for /tmp (a fresh root-owned 1777 directory) keeps the real /tmp out of it:
- nobody creates <tmp>/ssocred-0 first: the daemon refuses to start there, names nobody,
  and creates nothing inside;
- nobody serves a fake control socket in a directory of its own: the CLI refuses before
  connecting, names nobody, and the fake receives nothing;
- nobody's socket in a directory that looks right (root's, 0700): the CLI connects, sees
  from SO_PEERCRED that nobody serves it, and refuses without sending a byte.
And: control bytes in a request path (%0a, %1b) reach the daemon's log escaped.
"""
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from daemon_harness import SSOCRED, Daemon
from itest import PROFILES, DaemonTestCase
from ssocred_testlib import Emulator

NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]

# Serves a unix socket as nobody: prints "ready", then for each connection appends the
# number of bytes it received to `record` and answers a canned JSON reply.
FAKE_SERVER = r'''
import os, socket, sys
path, record = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
os.chmod(path, 0o777)
s.listen(8)
open(record, "w").close()
print("ready", flush=True)
body = b'{"version":"evil","sessions":[],"http":[],"active_role":null}'
while True:
    c, _ = s.accept()
    c.settimeout(2)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = c.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    with open(record, "a") as f:
        f.write("%d\n" % len(data))
    if data:
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                  b"Connection: close\r\n\r\n%s" % (len(body), body))
    c.close()
'''


def as_nobody(*argv, **kw):
    return subprocess.run([*NOBODY, *argv], capture_output=True, text=True, timeout=30,
                          cwd="/", **kw)


class Squatting(unittest.TestCase):
    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to act as user nobody")
        self.nobody = pwd.getpwnam("nobody")
        # The stand-in for /tmp: root-owned, sticky, world-writable.
        self.tmp = tempfile.mkdtemp(prefix="ssocred-squat-")
        os.chmod(self.tmp, 0o1777)
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.outer = os.path.join(self.tmp, f"ssocred-{os.getuid()}")
        self.socket = os.path.join(self.outer, "ssocred", "ssocredd.sock")
        self.fake = None

    def tearDown(self):
        if self.fake and self.fake.poll() is None:
            self.fake.kill()
            self.fake.wait()

    def start_fake(self, path):
        record = os.path.join(self.tmp, "fake-record")
        self.fake = subprocess.Popen([*NOBODY, sys.executable, "-c", FAKE_SERVER, path, record],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     cwd="/")
        line = self.fake.stdout.readline()
        self.assertEqual(line.strip(), "ready", self.fake.stderr.read() if not line else line)
        return record

    def cli(self, *args):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.tmp,
               "SSOCRED_SOCKET": self.socket, "NO_COLOR": "1"}
        return subprocess.run([SSOCRED, *args], env=env, capture_output=True, text=True,
                              timeout=30)

    def test_daemon_refuses_a_directory_created_by_another_user(self):
        r = as_nobody("sh", "-c", f"mkdir {self.outer} && chmod 777 {self.outer}")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(os.stat(self.outer).st_uid, self.nobody.pw_uid)
        emu = Emulator()
        emu.start()
        self.addCleanup(emu.stop)
        daemon = Daemon(emu.url, config_profiles=PROFILES)
        self.addCleanup(daemon.close)
        daemon.args[daemon.args.index("--socket") + 1] = self.socket
        with self.assertRaises(RuntimeError) as refused:
            daemon.start(timeout=10)
        message = str(refused.exception)
        self.assertIn("exited with", message)  # refused to start, did not hang
        self.assertIn(self.outer, message)
        self.assertIn("nobody", message)
        # Nothing of ours was created in the other user's directory.
        self.assertEqual(os.listdir(self.outer), [])

    def test_daemon_creates_the_fallback_directory_private(self):
        emu = Emulator()
        emu.start()
        self.addCleanup(emu.stop)
        daemon = Daemon(emu.url, config_profiles=PROFILES)
        self.addCleanup(daemon.close)
        daemon.args[daemon.args.index("--socket") + 1] = self.socket
        daemon.socket = self.socket
        daemon.start()
        for d in (self.outer, os.path.dirname(self.socket)):
            st = os.lstat(d)
            self.assertEqual((st.st_uid, st.st_mode & 0o7777), (0, 0o700), d)
        self.assertEqual(self.cli("status").returncode, 0)

    def test_cli_refuses_a_squatted_directory_and_sends_nothing(self):
        inner = os.path.dirname(self.socket)
        r = as_nobody("sh", "-c", f"mkdir -m 755 {self.outer} && mkdir -m 755 {inner}")
        self.assertEqual(r.returncode, 0, r.stderr)
        record = self.start_fake(self.socket)
        for args in (["status"], ["credential-process", "--profile", "dev"], ["login", "--no-browser"]):
            r = self.cli(*args)
            self.assertNotEqual(r.returncode, 0, (args, r.stdout))
            self.assertIn("nobody", r.stderr, args)
            self.assertIn("refusing", r.stderr, args)
            self.assertNotIn("evil", r.stdout + r.stderr)
        with open(record) as f:
            self.assertEqual(f.read(), "", "the CLI connected to the squatter")

    def test_cli_refuses_a_server_of_another_uid_before_sending(self):
        # A directory that passes every check (root's, 0700) holding nobody's socket: lent
        # to nobody just long enough to bind, then taken back.
        inner = os.path.dirname(self.socket)
        os.makedirs(inner, mode=0o700)
        os.chmod(self.outer, 0o700)
        os.chmod(inner, 0o700)
        os.chown(inner, self.nobody.pw_uid, self.nobody.pw_gid)
        os.chmod(self.outer, 0o711)  # nobody may pass through to bind
        record = self.start_fake(self.socket)
        os.chown(inner, 0, 0)
        os.chmod(self.outer, 0o700)
        r = self.cli("status")
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("served by uid", r.stderr)
        self.assertIn("nobody", r.stderr)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with open(record) as f:
                seen = f.read().split()
            if seen:
                break
            time.sleep(0.05)
        self.assertEqual(seen, ["0"], "the CLI sent bytes to another user's server")


class LogInjection(DaemonTestCase):
    login = False

    def test_control_bytes_in_a_request_path_are_escaped_in_the_log(self):
        forged = "2026-01-01T00:00:00.000Z info forged line"
        role = "Evil%0a" + forged.replace(" ", "%20") + "%1b%5b31m%0d%1b%5d0;title%07"
        self.get(f"/v1/accounts/111111111111/roles/{role}/credentials", self.token)
        self.get(f"/v1/profiles/nope%0a{forged.replace(' ', '%20')}%1b%5b2J/credentials",
                 self.token)
        # The request was logged (the debug line names the role), escaped.
        deadline = time.monotonic() + 5
        while "Evil" not in self.daemon.log() and time.monotonic() < deadline:
            time.sleep(0.05)
        with open(self.daemon.log_path, "rb") as f:
            raw = f.read()
        self.assertIn(b"Evil\\n2026", raw)
        for bad in (b"\x1b", b"\r", b"\x07"):
            self.assertNotIn(bad, raw)
        self.assertFalse(re.search(rb"^2026-01-01T00:00:00\.000Z info forged", raw, re.M))


if __name__ == "__main__":
    unittest.main()
