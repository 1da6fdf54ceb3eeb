"""A command that finds no daemon starts one (issue 15, "the daemon when it is not running").

Outside systemd and launchd, `ssocred` starts `ssocredd` itself, as gpg starts gpg-agent:
the one next to the `ssocred` binary first, then PATH; detached, logging to the state dir.
SSOCRED_AUTOSTART=0 turns it off; `doctor` never starts it and says how it runs.

Each test copies the real `ssocred` into a temp bin dir, so "next to the binary" is a
directory the test controls; `ssocredd` there is a two-line wrapper adding
`--listen 127.0.0.1:0`, since the default port 9911 may be in use on this machine.
"""
import json
import os
import shutil
import signal
import stat
import subprocess
import threading
import unittest

from daemon_harness import SSOCRED, SSOCREDD, Daemon
from ssocred_testlib import Emulator, wait_until

WRAPPER = '#!/bin/sh\nexec "{daemon}" --listen 127.0.0.1:0 "$@"\n'


def write_script(path, text):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o755)


def process_gone(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1].startswith("Z")  # a zombie is gone for us
    except FileNotFoundError:
        return True


class AutostartTest(unittest.TestCase):
    def setUp(self):
        self.emu = Emulator("--approve-after", "0", "--device-interval", "0")
        self.emu.start()
        self.addCleanup(self.emu.stop)
        # The harness builds the environment (temp HOME, runtime and state dirs, config);
        # its daemon is never started here.
        self.layout = Daemon(self.emu.url)
        self.addCleanup(self.layout.close)
        self.addCleanup(self.stop_started_daemons)
        self.started_pids = set()
        self.bin = os.path.join(self.layout.tmp, "bin")
        self.path_dir = os.path.join(self.layout.tmp, "path")
        os.makedirs(self.bin)
        os.makedirs(self.path_dir)
        self.cli_binary = os.path.join(self.bin, "ssocred")
        shutil.copy2(SSOCRED, self.cli_binary)
        self.env = dict(self.layout.env)
        del self.env["SSOCRED_AUTOSTART"]
        self.env["PATH"] = self.path_dir + ":" + self.env["PATH"]
        self.state_dir = os.path.join(self.env["XDG_STATE_HOME"], "ssocred")

    def stop_started_daemons(self):
        for pid in self.started_pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            try:
                wait_until(lambda: process_gone(pid), timeout=15, what=f"ssocredd {pid} exits")
            except AssertionError:
                os.kill(pid, signal.SIGKILL)

    def cli(self, *args, env=None, timeout=60):
        e = dict(self.env)
        e.update(env or {})
        r = subprocess.run([self.cli_binary, *args], env=e, capture_output=True, text=True,
                           timeout=timeout)
        return r

    def status(self, **kw):
        r = self.cli("status", "--json", **kw)
        self.assertEqual(r.returncode, 0, r.stderr)
        st = json.loads(r.stdout)
        self.started_pids.add(st["pid"])
        return st

    def install_daemon_beside(self):
        write_script(os.path.join(self.bin, "ssocredd"), WRAPPER.format(daemon=SSOCREDD))

    def test_a_command_starts_the_daemon_beside_the_cli_first(self):
        self.install_daemon_beside()
        # A broken ssocredd first on PATH: the one beside the CLI must win.
        write_script(os.path.join(self.path_dir, "ssocredd"), "#!/bin/sh\nexit 1\n")
        st = self.status()
        self.assertEqual(st["started_by"], "ssocred")
        self.assertEqual(st["control_socket"], self.layout.socket)
        self.assertFalse(process_gone(st["pid"]))
        log = os.path.join(self.state_dir, "ssocredd.log")
        self.assertEqual(stat.S_IMODE(os.stat(log).st_mode), 0o600)
        self.assertGreater(os.path.getsize(log), 0)
        # The next command finds it running and starts no other.
        self.assertEqual(self.status()["pid"], st["pid"])
        # It works as any daemon does: a device-code login through it.
        r = self.cli("login", "--use-device-code", "--no-browser")
        self.assertEqual(r.returncode, 0, r.stderr)
        sessions = self.status()["sessions"]
        self.assertEqual([s["state"] for s in sessions], ["logged_in"])
        # doctor says how it runs.
        r = self.cli("doctor", "--json")
        checks = {c["name"]: c for c in json.loads(r.stdout)["checks"]}
        self.assertEqual(checks["service"]["status"], "ok")
        self.assertIn("on demand", checks["service"]["detail"])
        self.assertIn(log, checks["service"]["detail"])

    def test_path_is_used_when_nothing_is_beside_the_cli(self):
        write_script(os.path.join(self.path_dir, "ssocredd"), WRAPPER.format(daemon=SSOCREDD))
        self.assertEqual(self.status()["started_by"], "ssocred")

    def test_racing_commands_start_one_daemon(self):
        self.install_daemon_beside()
        results = []

        def run():
            results.append(self.cli("status", "--json"))

        threads = [threading.Thread(target=run) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=90)
        pids = set()
        for r in results:
            self.assertEqual(r.returncode, 0, r.stderr)
            pids.add(json.loads(r.stdout)["pid"])
        self.started_pids |= pids
        self.assertEqual(len(results), 4)
        self.assertEqual(len(pids), 1, pids)

    def test_disabled_by_the_setting(self):
        self.install_daemon_beside()
        for value in ("0", "off", "False"):
            r = self.cli("status", env={"SSOCRED_AUTOSTART": value})
            self.assertEqual(r.returncode, 3, r.stderr)
            self.assertIn("not running", r.stderr)
        self.assertFalse(os.path.exists(self.layout.socket))

    def test_doctor_does_not_start_it(self):
        self.install_daemon_beside()
        r = self.cli("doctor", "--json")
        self.assertEqual(r.returncode, 1)
        checks = {c["name"]: c for c in json.loads(r.stdout)["checks"]}
        self.assertEqual(checks["daemon"]["status"], "fail")
        self.assertIn("next ssocred command starts it", checks["daemon"]["fix"])
        self.assertFalse(os.path.exists(self.layout.socket))

    def test_a_daemon_that_cannot_start_is_reported_with_its_log(self):
        write_script(os.path.join(self.bin, "ssocredd"),
                     "#!/bin/sh\necho 'ssocredd: cannot start: test failure' >&2\nexit 4\n")
        r = self.cli("status")
        self.assertEqual(r.returncode, 3, r.stderr)
        log = os.path.join(self.state_dir, "ssocredd.log")
        self.assertIn("exited with status 4", r.stderr)  # its exit noticed, not a timeout
        self.assertIn(log, r.stderr)
        with open(log) as f:
            self.assertIn("test failure", f.read())

    def test_no_daemon_anywhere(self):
        env = {"PATH": self.path_dir + ":/nonexistent"}
        r = self.cli("status", env=env)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("neither next to ssocred nor on PATH", r.stderr)


if __name__ == "__main__":
    unittest.main()
