"""The role picker as a person uses it: `ssocred use` on a real terminal (tmux), a fuzzy
query, Enter to choose; the active role marked and preselected; Esc and Ctrl-C change
nothing. Without a terminal `ssocred use` shows the active role, as before."""
import json
import os
import shlex
import shutil
import subprocess
import time
import unittest

import itest
from daemon_harness import SSOCRED, Daemon
from ssocred_testlib import Emulator

PROFILES = dict(itest.PROFILES)
PROFILES["prod-ro"] = {"sso_session": "demo", "sso_account_id": "333333333333",
                       "sso_role_name": "ReadOnlyAccess"}
PROFILES["prod-billing"] = {"sso_session": "demo", "sso_account_id": "333333333333",
                            "sso_role_name": "BillingAccess"}


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
class Picker(unittest.TestCase):
    def setUp(self):
        self.emu = Emulator("--approve-after", "0", "--device-interval", "0")
        self.emu.start()
        self.addCleanup(self.emu.stop)
        self.daemon = Daemon(self.emu.url, config_profiles=PROFILES)
        self.addCleanup(self.daemon.close)
        self.daemon.start()
        self.daemon.login()
        self.daemon.cli("use", "dev", check=True)
        self.tmux_base = f"ssocred-picker-{os.getpid()}-{id(self)}"
        self.tmux_count = 0
        self.rc_file = os.path.join(self.daemon.tmp, "picker-rc")

    # -- tmux ------------------------------------------------------------------------------
    def tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-L", self.tmux_socket, *args], capture_output=True,
                              text=True, timeout=30, check=check)

    def open_picker(self, *args):
        """Runs `ssocred use ARGS` in a fresh tmux pane; its exit status lands in rc_file and
        the pane stays open for capture."""
        # A fresh tmux server each time: a killed one may still be shutting down.
        self.tmux_count += 1
        self.tmux_socket = f"{self.tmux_base}-{self.tmux_count}"
        if os.path.exists(self.rc_file):
            os.remove(self.rc_file)
        env = dict(self.daemon.env, TERM="screen")
        cmd = " ".join(shlex.quote(a) for a in [SSOCRED, "use", *args])
        script = f"{cmd}; echo $? > {shlex.quote(self.rc_file)}; sleep 120"
        argv = ["env", "-i"] + [f"{k}={v}" for k, v in env.items()] + ["sh", "-c", script]
        self.tmux("-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40",
                  " ".join(shlex.quote(a) for a in argv))
        self.addCleanup(subprocess.run, ["tmux", "-L", self.tmux_socket, "kill-server"],
                        capture_output=True, timeout=30)
        return self.wait_screen(
            lambda s: "Role>" in s and any(l.startswith("> ") for l in s.splitlines()),
            "the picker")

    def screen(self):
        return self.tmux("capture-pane", "-p").stdout

    def wait_screen(self, ready, what, timeout=20):
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if ready(text):
                return text
            time.sleep(0.1)
        self.fail(f"timed out waiting for {what}; screen:\n{text}")

    def wait_rc(self, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.path.exists(self.rc_file):
                with open(self.rc_file) as f:
                    text = f.read().strip()
                if text:
                    return int(text)
            time.sleep(0.1)
        self.fail(f"ssocred use did not exit; screen:\n{self.screen()}")

    @staticmethod
    def rows(screen):
        """The picker's lines below the prompt."""
        lines = screen.splitlines()
        start = next(i for i, l in enumerate(lines) if "Role>" in l)
        return [l for l in lines[start + 1:] if l.strip()]

    def active(self):
        status, body = self.daemon.control("GET", "/v1/active")
        self.assertEqual(status, 200)
        a = body["active"]
        return a["account_id"], a["role_name"], a["profile"]

    # -- tests -----------------------------------------------------------------------------
    def test_fuzzy_query_and_enter_selects(self):
        screen = self.open_picker()
        rows = self.rows(screen)
        # The same order as `ssocred list`, profile names shown, the active role marked *
        # and preselected (the "> " cursor).
        listed = self.daemon.cli("list", check=True).stdout.splitlines()[1:]
        roles = [f"{l.split()[-4]}/{l.split()[-2]}" for l in listed]
        self.assertEqual([r.split()[-1] for r in rows][:len(roles)], roles)
        selected = [r for r in rows if r.startswith("> ")]
        self.assertEqual(len(selected), 1, screen)
        self.assertIn("* dev", selected[0])
        self.assertIn("111111111111/DeveloperAccess", selected[0])
        self.assertTrue(any("prod-ro" in r and "333333333333/ReadOnlyAccess" in r for r in rows))

        self.tmux("send-keys", "-l", "prod-ro")
        screen = self.wait_screen(lambda s: "Role> prod-ro" in s and
                                  self.rows(s)[0].startswith("> "), "the filtered list")
        first = self.rows(screen)[0]
        self.assertIn("prod-ro", first, screen)
        self.assertIn("333333333333/ReadOnlyAccess", first, screen)
        self.tmux("send-keys", "Enter")
        self.assertEqual(self.wait_rc(), 0, self.screen())
        self.assertEqual(self.active(), ("333333333333", "ReadOnlyAccess", "prod-ro"))

    def test_subsequence_across_fields(self):
        self.open_picker("--pick")
        # "stgdep": the profile's letters then the role's, not contiguous anywhere.
        self.tmux("send-keys", "-l", "stg dep")
        screen = self.wait_screen(lambda s: "Role> stg dep" in s, "the filtered list")
        self.assertIn("222222222222/DeployAccess", self.rows(screen)[0], screen)
        self.tmux("send-keys", "Enter")
        self.assertEqual(self.wait_rc(), 0, self.screen())
        self.assertEqual(self.active(), ("222222222222", "DeployAccess", "stg"))

    def test_escape_and_ctrl_c_leave_the_active_role(self):
        before = self.active()
        self.open_picker()
        self.tmux("send-keys", "-l", "prod")
        self.wait_screen(lambda s: "Role> prod" in s, "the filtered list")
        self.tmux("send-keys", "Escape")
        self.assertEqual(self.wait_rc(), 1, self.screen())
        self.assertEqual(self.active(), before)
        self.tmux("kill-server", check=False)

        self.open_picker()
        self.tmux("send-keys", "Down")
        self.tmux("send-keys", "C-c")
        self.assertEqual(self.wait_rc(), 130, self.screen())
        self.assertEqual(self.active(), before)

    def test_without_a_terminal_shows_the_active_role(self):
        r = self.daemon.cli("use")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("dev (111111111111/DeveloperAccess)", r.stdout)
        r = self.daemon.cli("use", "--json")
        self.assertEqual(json.loads(r.stdout)["active"]["profile"], "dev")
        r = self.daemon.cli("use", "--pick")
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main()
