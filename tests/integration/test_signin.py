"""Sign-in when it is needed (issue 15): commands that need credentials start the login
themselves, one per session however many processes ask; the flow suits the terminal
(device code without a display or over SSH, PKCE with $BROWSER run as a command); a joiner
is told when the running login uses another flow, and its Ctrl-C stops only its own wait;
credential-process signs in only on a terminal or with --auto-login; --no-login and
SSOCRED_NO_LOGIN fail fast with the command to run; `login --force`."""
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import textwrap
import unittest

from daemon_harness import SSOCRED, Daemon, build_platform
from itest import PROFILES, DaemonTestCase
from ssocred_testlib import Emulator, free_tmpdir, wait_until

# Fetches credentials the way the AWS CLI does (botocore's chain), from the environment
# `ssocred exec` sets: the container endpoint and its token.
BOTOCORE_FETCH = ("import botocore.session; "
                  "print(botocore.session.get_session().get_credentials().access_key)")

# A "browser" for $BROWSER: records its argv, then does what a person's browser does with
# the PKCE URL: follows the /authorize redirect to the daemon's loopback listener.
FAKE_BROWSER = textwrap.dedent("""\
    import json, sys, urllib.error, urllib.request
    with open(sys.argv[1], "w") as f:
        json.dump(sys.argv[2:], f)
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None
    try:
        urllib.request.build_opener(NoRedirect).open(sys.argv[2], timeout=10)
        sys.exit(1)
    except urllib.error.HTTPError as e:
        location = e.headers["Location"]
    urllib.request.urlopen(location, timeout=10).read()
    """)


def session_state(daemon, name="demo"):
    _, st = daemon.control("GET", "/v1/status")
    return next(s for s in st["sessions"] if s["name"] == name)


class SignIn(DaemonTestCase):

    def setUp(self):
        super().setUp()
        self.procs = []
        self.addCleanup(self._stop_procs)

    def _stop_procs(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait()

    def cli_no_tty(self, *args, env=None, timeout=60):
        """The CLI in a new session: no controlling terminal (/dev/tty does not open), as when
        an SDK runs credential_process from a service."""
        e = dict(self.daemon.env)
        e.update(env or {})
        return subprocess.run([SSOCRED, *args], env=e, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL, start_new_session=True)

    def spawn(self, name, *args, env=None):
        """The CLI in the background without a terminal; its stdout and stderr go to files
        (read them with output(name))."""
        e = dict(self.daemon.env)
        e.update(env or {})
        base = os.path.join(self.daemon.tmp, name)
        with open(base + ".out", "w") as out, open(base + ".err", "w") as err:
            p = subprocess.Popen([SSOCRED, *args], env=e, stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=err, start_new_session=True)
        self.procs.append(p)
        return p

    def output(self, name):
        base = os.path.join(self.daemon.tmp, name)
        with open(base + ".out") as out, open(base + ".err") as err:
            return out.read(), err.read()

    def device_logins(self):
        return self.emu.count("StartDeviceAuthorization")

    def revoke_session(self):
        self.emu.revoke(refresh_tokens=True, access_tokens=True)

    # -- a command that needs credentials signs in -------------------------------------------
    def test_exec_and_env_sign_in_when_the_session_was_revoked_mid_use(self):
        before = self.device_logins()
        self.revoke_session()
        # `ro` is not cached yet: its fetch finds the tokens refused -> login_required.
        r = self.daemon.cli("exec", "--profile", "ro", "--", sys.executable, "-c", BOTOCORE_FETCH)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(r.stdout.strip(), self.issued_key_ids())
        self.assertIn("SSO session demo needs a sign-in", r.stderr)
        self.assertIn("device code flow: " +
                      ("there is no display" if PKCE_BY_DEFAULT else BLIND_LISTENER), r.stderr)
        self.assertEqual(self.device_logins(), before + 1)
        self.assertEqual(session_state(self.daemon)["state"], "logged_in")

        self.revoke_session()
        r = self.daemon.cli("env", "--profile", "stg", "--shell", "sh")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("AWS_CONTAINER_AUTHORIZATION_TOKEN", r.stdout)
        self.assertNotIn("Sign in", r.stdout, "the sign-in talks on stderr, never in eval'd code")
        self.assertIn("Signed in to demo", r.stderr)
        self.assertEqual(self.device_logins(), before + 2)

    def test_use_signs_in_after_a_logout(self):
        self.daemon.cli("logout", check=True)
        r = self.daemon.cli("use", "ro")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Signed in", r.stderr)
        self.assertEqual(session_state(self.daemon)["state"], "logged_in")

    def test_list_signs_in_after_a_logout(self):
        self.daemon.cli("logout", check=True)
        r = self.daemon.cli("list", "--no-login", timeout=15)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("`ssocred login --sso-session demo`", r.stderr)
        r = self.daemon.cli("list")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("DeveloperAccess", r.stdout)
        self.assertIn("Signed in", r.stderr)

    def test_console_signs_in_after_a_logout(self):
        self.daemon.cli("logout", check=True)
        before = self.device_logins()
        env = {"AWS_ENDPOINT_URL_SIGNIN": self.emu.url}
        r = self.daemon.cli("console", "--no-login", "--url", "--profile", "dev", env=env,
                            timeout=15)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("`ssocred login --sso-session demo`", r.stderr)
        self.assertEqual(self.device_logins(), before)

        r = self.daemon.cli("console", "--url", "--profile", "dev", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Action=login", r.stdout)
        self.assertIn("SigninToken=", r.stdout)
        self.assertIn("Signed in", r.stderr)
        self.assertEqual(self.device_logins(), before + 1)

    def test_concurrent_auto_logins_make_one_login(self):
        self.daemon.cli("logout", check=True)
        self.emu.settings(approve_after=-1)  # both must be waiting when it is approved
        before = self.device_logins()
        names = ("dev", "ro")
        procs = [self.spawn(p, "credential-process", "--auto-login", "--profile", p)
                 for p in names]
        # Both wait for the one login (one started it, the other joined it)...
        try:
            wait_until(lambda: all("Waiting for you to sign in" in self.output(n)[1]
                                   for n in names),
                       timeout=30, what="both processes waiting for the sign-in")
        except TimeoutError:
            self.fail([self.output(n) for n in names])
        joined = ["already running" in self.output(n)[1] for n in names]
        self.assertEqual(sorted(joined), [False, True], [self.output(n) for n in names])
        # ...which is approved once.
        self.assertEqual(self.emu.approve(), 1)
        for name, p in zip(names, procs):
            self.assertEqual(p.wait(60), 0, self.output(name))
            creds = json.loads(self.output(name)[0])
            self.assertIn(creds["AccessKeyId"], self.issued_key_ids())
        self.assertEqual(self.device_logins(), before + 1)

    # -- opting out ---------------------------------------------------------------------------
    def test_no_login_and_the_setting_fail_fast_with_the_command(self):
        self.daemon.cli("logout", check=True)
        before = self.device_logins()
        cases = [(("exec", "--no-login", "--profile", "dev", "--", "true"), {}),
                 (("env", "--profile", "dev"), {"SSOCRED_NO_LOGIN": "1"}),
                 (("use", "--no-login", "ro"), {}),
                 (("credential-process", "--profile", "dev"), {"SSOCRED_NO_LOGIN": "1"})]
        for args, env in cases:
            r = self.daemon.cli(*args, env=env, timeout=15)
            self.assertEqual(r.returncode, 1, (args, r.stderr))
            self.assertIn("`ssocred login --sso-session demo`", r.stderr, args)
            self.assertEqual(r.stdout, "", args)
        self.assertEqual(self.device_logins(), before)
        self.assertEqual(session_state(self.daemon)["state"], "logged_out")

    def test_credential_process_without_a_terminal_fails_fast_unless_auto_login(self):
        self.daemon.cli("logout", check=True)
        before = self.device_logins()
        r = self.cli_no_tty("credential-process", "--profile", "dev", timeout=15)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertIn("`ssocred login --sso-session demo`", r.stderr)
        self.assertIn("--auto-login", r.stderr)
        self.assertEqual(self.device_logins(), before)

        r = self.cli_no_tty("credential-process", "--auto-login", "--profile", "dev")
        self.assertEqual(r.returncode, 0, r.stderr)
        creds = json.loads(r.stdout)  # stdout is the JSON alone: the sign-in talked on stderr
        self.assertIn(creds["AccessKeyId"], self.issued_key_ids())
        self.assertEqual(self.device_logins(), before + 1)

    def test_credential_process_on_a_terminal_signs_in_there_and_keeps_stdout_json(self):
        """As when `aws s3 ls` runs it from a shell: stdout and stderr are the SDK's pipes, the
        terminal is the person's."""
        if not shutil.which("tmux"):
            self.skipTest("needs tmux")
        self.daemon.cli("logout", check=True)
        tmp = self.daemon.tmp
        out, err, rc = (os.path.join(tmp, n) for n in ("cp.out", "cp.err", "cp.rc"))
        env = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.daemon.env.items())
        command = (f"env -i {env} {shlex.quote(SSOCRED)} credential-process --profile dev "
                   f">{out} 2>{err}; echo $? >{rc}; sleep 60")
        sock = f"ssocred-signin-{os.getpid()}"
        tmux = ["tmux", "-L", sock, "-f", "/dev/null"]
        subprocess.run(tmux + ["new-session", "-d", "-x", "120", "-y", "40", command],
                       check=True, timeout=10)
        self.addCleanup(subprocess.run, tmux + ["kill-server"], capture_output=True, timeout=10)
        def read(path):
            if not os.path.exists(path):
                return ""
            with open(path) as f:
                return f.read()
        wait_until(lambda: read(rc).strip(), timeout=60, what="credential-process to finish")
        screen = subprocess.run(tmux + ["capture-pane", "-p"], capture_output=True, text=True,
                                timeout=10).stdout
        self.assertEqual(read(rc).strip(), "0", screen + read(err))
        self.assertIn("SSO session demo needs a sign-in", screen)
        self.assertIn("Signed in to demo", screen)
        creds = json.loads(read(out))
        self.assertIn(creds["AccessKeyId"], self.issued_key_ids())
        self.assertEqual(read(err), "", "the sign-in talked on the terminal, not stderr")

    # -- `ssocred login` ----------------------------------------------------------------------
    def test_login_when_logged_in_says_so_and_force_signs_in_again(self):
        before = self.device_logins()
        r = self.daemon.cli("login", "--no-browser")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Already logged in to demo", r.stdout)
        self.assertIn("--force", r.stdout)
        self.assertEqual(self.device_logins(), before)
        r = self.daemon.cli("login", "--force", "--no-browser")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Logged in to demo", r.stdout)
        self.assertEqual(self.device_logins(), before + 1)


# An OS layer that cannot tell which user owns a TCP connection (the portable build's
# generic layer) never picks the browser flow by itself: its loopback listener could not
# refuse another local user's connection (docs/security.md 16.3).
PKCE_BY_DEFAULT = build_platform()["tcp_peer_owner"] != "none"
BLIND_LISTENER = "this build cannot tell which local user connects"


class Flows(DaemonTestCase):
    login = False

    def setUp(self):
        super().setUp()
        if not PKCE_BY_DEFAULT and "pkce" in self._testMethodName:
            self.skipTest("this build's CLI never chooses the browser flow (PKCE) itself; "
                          "test_a_blind_listener_means_the_device_flow covers what it does")

    def test_headless_login_chooses_the_device_flow_and_says_why(self):
        r = self.daemon.cli("login", "--no-browser")  # no DISPLAY in the harness's environment
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Using the device code flow: " +
                      ("there is no display" if PKCE_BY_DEFAULT else BLIND_LISTENER), r.stdout)
        self.assertEqual(self.emu.count("StartDeviceAuthorization"), 1)
        r = self.daemon.cli("login", "--force", "--no-browser",
                            env={"DISPLAY": ":99", "SSH_CONNECTION": "10.0.0.1 5 10.0.0.2 22"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Using the device code flow: " +
                      ("this is an SSH session" if PKCE_BY_DEFAULT else BLIND_LISTENER), r.stdout)
        self.assertEqual(self.emu.count("StartDeviceAuthorization"), 2)

    def test_a_blind_listener_means_the_device_flow(self):
        if PKCE_BY_DEFAULT:
            self.skipTest("this build's listener refuses other users: the browser-flow tests "
                          "cover its choice")
        # A display, no SSH: everything else would pick the browser flow.
        r = self.daemon.cli("login", "--no-browser", env={"DISPLAY": ":99"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Using the device code flow: " + BLIND_LISTENER, r.stdout)
        self.assertEqual(self.emu.count("StartDeviceAuthorization"), 1)

    def test_with_a_display_pkce_runs_browser_as_a_command(self):
        tmp = self.daemon.tmp
        script = os.path.join(tmp, "browser.py")
        record = os.path.join(tmp, "browser-argv.json")
        with open(script, "w") as f:
            f.write(FAKE_BROWSER)
        # A list as Python's webbrowser reads it: the first entry does not exist.
        browser = f"/nonexistent/browser:{sys.executable} {script} {record} %s"
        r = self.daemon.cli("login", env={"DISPLAY": ":99", "BROWSER": browser})
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("Using the browser flow (PKCE)", r.stdout)
        with open(record) as f:
            argv = json.load(f)
        self.assertEqual(len(argv), 1, argv)
        self.assertTrue(argv[0].startswith(self.emu.url), argv)
        self.assertIn(argv[0], r.stdout)  # the URL shown is the one opened
        self.assertEqual(self.emu.counters()["create_token_grants"]["authorization_code"], 1)
        self.assertEqual(session_state(self.daemon)["state"], "logged_in")

    def test_pkce_without_a_browser_hints_at_the_device_flow(self):
        out_path = os.path.join(self.daemon.tmp, "login.out")
        # PATH without xdg-open: $BROWSER's one command fails and nothing else can open it.
        env = {**self.daemon.env, "DISPLAY": ":99", "BROWSER": "/nonexistent/browser",
               "PATH": "/nonexistent"}
        with open(out_path, "w") as out:
            p = subprocess.Popen([SSOCRED, "login"], env=env, stdin=subprocess.DEVNULL,
                                 stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

        def text():
            with open(out_path) as f:
                return f.read()
        try:
            wait_until(lambda: "Waiting for you to sign in" in text(), timeout=20,
                       what="the login to wait")
            p.send_signal(signal.SIGINT)
            self.assertEqual(p.wait(20), 130, text())
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        self.assertIn("Using the browser flow (PKCE)", text())
        self.assertIn("Could not open a browser", text())
        self.assertIn("ssocred login --use-device-code", text())
        # The starter's Ctrl-C cancels the login in the daemon.
        wait_until(lambda: session_state(self.daemon)["state"] != "login_in_progress",
                   timeout=10, what="the cancelled login to end")

    def test_pkce_joiner_with_the_other_flow_is_told_and_its_ctrl_c_stops_only_its_wait(self):
        env = {**self.daemon.env, "DISPLAY": ":99"}
        starter = subprocess.Popen([SSOCRED, "login", "--no-browser"], env=env,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, start_new_session=True)
        joiner = None
        try:
            wait_until(lambda: session_state(self.daemon)["state"] == "login_in_progress",
                       timeout=20, what="the PKCE login")
            out_path = os.path.join(self.daemon.tmp, "joiner.out")
            with open(out_path, "w") as out:
                joiner = subprocess.Popen([SSOCRED, "login", "--use-device-code", "--no-browser"],
                                          env=env, stdin=subprocess.DEVNULL, stdout=out,
                                          stderr=subprocess.STDOUT, text=True,
                                          start_new_session=True)

            def joiner_text():
                with open(out_path) as f:
                    return f.read()
            wait_until(lambda: "Waiting for you to sign in" in joiner_text(), timeout=20,
                       what="the joiner to wait")
            text = joiner_text()
            self.assertIn("already running", text)
            self.assertIn("It uses the browser flow (PKCE), not the device code flow", text)
            self.assertIn("ssocred login --force --use-device-code", text)
            joiner.send_signal(signal.SIGINT)
            self.assertEqual(joiner.wait(20), 130, joiner_text())
            # The login the starter runs goes on: finish it as its browser would.
            self.assertEqual(session_state(self.daemon)["state"], "login_in_progress")
            status, login = self.daemon.control("POST", "/v1/login", {})  # joins: its URL
            self.assertTrue(login["joined"], login)
            r = subprocess.run([sys.executable, "-c", FAKE_BROWSER,
                                os.path.join(self.daemon.tmp, "argv.json"), login["url"]],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 0, r.stderr)
            out = starter.communicate(timeout=30)[0]
            self.assertEqual(starter.returncode, 0, out)
            self.assertIn("Logged in to demo", out)
        finally:
            for p in (starter, joiner):
                if p is not None and p.poll() is None:
                    p.kill()
                    p.wait()


class SlowUpstream(unittest.TestCase):
    """Logins whose upstream start is slow (StartDeviceAuthorization answers late) hold no
    worker of the daemon: `list` (the portal, on the control pool) and `status` answer while
    two of them wait, and both logins finish afterwards (issue 17)."""
    START_DELAY_MS = 8000  # under the daemon's upstream read timeout (15 s)

    def setUp(self):
        self.tmp = free_tmpdir()
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.emu = Emulator("--approve-after", "0", "--device-interval", "0")
        self.emu.start()
        self.addCleanup(self.emu.stop)
        sessions = {name: {"sso_start_url": f"https://d-{n}.awsapps.com/start",
                           "sso_region": "us-east-1",
                           "sso_registration_scopes": "sso:account:access"}
                    for n, name in enumerate(("demo", "other"), start=1)}
        self.daemon = Daemon(self.emu.url, tmpdir=os.path.join(self.tmp, "d"),
                             config_profiles=PROFILES, config_sessions=sessions)
        self.addCleanup(self.daemon.close)
        self.daemon.start()
        self.daemon.login(session="demo")
        self.procs = []
        self.addCleanup(self._stop_procs)

    def _stop_procs(self):
        for p, out in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait()
            out.close()

    def spawn_login(self, *args):
        out = open(os.path.join(self.tmp, f"login{len(self.procs)}.out"), "w+")
        p = subprocess.Popen([SSOCRED, "login", "--no-browser", *args], env=self.daemon.env,
                             stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                             start_new_session=True)
        self.procs.append((p, out))
        return p, out

    @staticmethod
    def text_of(out):
        out.seek(0)
        return out.read()

    def test_two_slow_login_starts_stall_neither_list_nor_status(self):
        before = self.emu.count("StartDeviceAuthorization")
        self.emu.settings(approve_after=-1)  # pending until approve(): the URL shows first
        self.emu.fault("StartDeviceAuthorization", "delay", count=2,
                       delay_ms=self.START_DELAY_MS)
        # A new login for the logged-in session (its token keeps serving) and one for the
        # logged-out one: the daemon's control pool has two workers.
        logins = [self.spawn_login("--sso-session", "demo", "--force"),
                  self.spawn_login("--sso-session", "other")]
        wait_until(lambda: self.emu.count("StartDeviceAuthorization") == before + 2, timeout=20,
                   what="both logins to wait on the upstream")

        r = self.daemon.cli("list", "--sso-session", "demo", "--no-login", timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("DeveloperAccess", r.stdout)
        r = self.daemon.cli("status", timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        # Both answered while the logins still wait for the upstream: no URL yet.
        for p, out in logins:
            text = self.text_of(out)
            self.assertIsNone(p.poll(), text)
            self.assertNotIn("Sign in to", text)

        # Then the upstream answers: both logins show their URL, the person approves them,
        # and both go through as always.
        for p, out in logins:
            wait_until(lambda out=out: "Sign in to" in self.text_of(out), timeout=30,
                       what="the login to show its URL")
        self.assertEqual(self.emu.approve(), 2)
        for p, out in logins:
            self.assertEqual(p.wait(60), 0)
            text = self.text_of(out)
            self.assertIn("Sign in to", text)
            self.assertIn("Logged in to", text)
        _, st = self.daemon.control("GET", "/v1/status")
        self.assertEqual({s["name"]: s["state"] for s in st["sessions"]},
                         {"demo": "logged_in", "other": "logged_in"})


if __name__ == "__main__":
    unittest.main()
