"""The SSO session's end: ssocredd records when a session started, learns its length from a
refused refresh (or takes ssocred_session_duration), shows the predicted end in status, and
tells the desktop - a freedesktop notification on the session bus - some minutes before the
end and once when a login becomes required.

Each test starts its own `dbus-daemon --session` on a socket in its temp dir and a fake
notification server (tests/integration/fake_notifications.cpp) that prints every Notify
call as a JSON line. Also here, status honesty: a session that needs a login shows no stale
times, a recovery clears LAST ERROR, a deleted AWS CLI cache file is written again.
"""
import calendar
import hashlib
import json
import os
import shutil
import time
import unittest

from daemon_harness import Daemon, http_request
from itest import PROFILES
from ssocred_testlib import Emulator, Process, free_tmpdir, wait_until

FAKE_NOTIFICATIONS = os.environ.get("SSOCRED_FAKE_NOTIFICATIONS")
START_URL = "https://d-0000000000.awsapps.com/start"


def utc(text):
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


class SessionBus:
    """A private session bus with the fake notification server on it."""

    def __init__(self, tmp):
        self.bus = Process(["dbus-daemon", "--session", "--nofork", "--print-address",
                            "--address=unix:path=" + os.path.join(tmp, "bus")],
                           name="dbus-daemon", tmpdir=tmp)
        self.bus.start()
        self.address = self.bus.wait_for_line("unix:", timeout=10).strip()
        self.server = Process([FAKE_NOTIFICATIONS, self.address], name="notifications",
                              tmpdir=tmp)
        self.server.start()
        self.server.wait_for_line('{"ready"', timeout=10)

    def notices(self):
        out = []
        for line in self.server.stdout_text().splitlines():
            j = json.loads(line)
            if "id" in j:
                out.append(j)
        return out

    def close(self):
        self.server.stop()
        self.bus.stop()


@unittest.skipUnless(FAKE_NOTIFICATIONS, "SSOCRED_FAKE_NOTIFICATIONS not set (run through ctest)")
class SessionEnd(unittest.TestCase):
    def setUp(self):
        self.tmp = free_tmpdir()
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.emu = Emulator("--approve-after", "0", "--device-interval", "0")
        self.emu.start()
        self.addCleanup(self.emu.stop)

    def start_bus(self):
        bus = SessionBus(self.tmp)
        self.addCleanup(bus.close)
        return bus

    def start_daemon(self, bus_address=None, session_keys=None):
        sessions = {"demo": {"sso_start_url": START_URL, "sso_region": "us-east-1",
                             "sso_registration_scopes": "sso:account:access",
                             **(session_keys or {})}}
        env = {"DBUS_SESSION_BUS_ADDRESS": bus_address} if bus_address else None
        self.daemon = Daemon(self.emu.url, tmpdir=os.path.join(self.tmp, "d"), env=env,
                             config_profiles=PROFILES, config_sessions=sessions)
        self.addCleanup(self.daemon.close)
        self.daemon.start()
        self.daemon.login()
        self.daemon.cli("use", "dev", check=True)
        self.host, self.port = self.daemon.http_endpoint()
        self.token = self.daemon.endpoint_info()["token"]

    def credentials(self, profile):
        status, _, body = http_request(self.host, self.port, "GET",
                                       f"/v1/profiles/{profile}/credentials",
                                       headers={"Host": f"127.0.0.1:{self.port}",
                                                "Authorization": self.token})
        return status, body

    def status(self):
        _, st = self.daemon.control("GET", "/v1/status")
        return st

    def session(self):
        return next(s for s in self.status()["sessions"] if s["name"] == "demo")

    def end_session(self):
        """The session ends upstream; a role not cached yet makes the daemon find out."""
        self.emu.revoke(refresh_tokens=True, access_tokens=True)
        self.credentials("ro")
        return wait_until(lambda: (lambda s: s["state"] == "login_required" and s)(self.session()),
                          timeout=20, what="login_required")

    def test_refused_refresh_teaches_the_length_and_notifies_once(self):
        bus = self.start_bus()
        self.start_daemon(bus.address)
        self.assertEqual(self.credentials("dev")[0], 200)
        first = self.session()
        self.assertEqual(first["state"], "logged_in")
        started = utc(first["session_started_at"])
        self.assertIsNone(first["session_ends_at"])  # nothing learned, nothing configured
        self.assertIsNone(first["session_length_source"])
        roles = self.status()["roles"]
        self.assertTrue(any(r["next_renewal_at"] for r in roles), roles)
        time.sleep(2.5)

        refused = self.end_session()
        ended_by = time.time()
        # Nothing stale: no token expiry, no renewal, no end of a session that has ended.
        self.assertIsNone(refused["access_token_expires_at"])
        self.assertIsNone(refused["next_refresh_at"])
        self.assertIsNone(refused["session_started_at"])
        self.assertIsNone(refused["session_ends_at"])
        for r in self.status()["roles"]:
            self.assertIsNone(r["next_renewal_at"], r)
        self.assertEqual(refused["session_length_source"], "learned")
        self.assertGreaterEqual(refused["session_length_seconds"], 2)
        self.assertLessEqual(refused["session_length_seconds"], ended_by - started + 1)
        self.assertIsNotNone(refused["last_error"])

        def login_notices():
            return [n for n in bus.notices() if "sign-in required" in n["summary"]]
        wait_until(login_notices, timeout=10, what="the login-required notification")
        self.credentials("stg")  # another refusal of the same event
        time.sleep(2)
        notices = login_notices()
        self.assertEqual(len(notices), 1, notices)
        self.assertEqual(notices[0]["app_name"], "ssocred")
        self.assertIn("ssocred login --sso-session demo", notices[0]["body"])

        # A new login: the next session's end is predicted from the learned length, and the
        # old errors are gone (the session's, and the role's once it is renewed).
        self.daemon.login()
        again = self.session()
        self.assertEqual(again["state"], "logged_in")
        self.assertIsNone(again["last_error"])
        self.assertEqual(again["session_length_source"], "learned")
        self.assertEqual(utc(again["session_ends_at"]),
                         utc(again["session_started_at"]) + refused["session_length_seconds"])
        self.assertEqual(self.credentials("ro")[0], 200)
        ro = [r for r in self.status()["roles"] if r["role_name"] == "ReadOnlyAccess"]
        self.assertTrue(ro and all(r["last_error"] is None for r in ro), ro)
        human = self.daemon.cli("status", check=True).stdout
        # (The learned length is seconds here: the end may already be behind.)
        self.assertIn("demo: session end", human)
        self.assertIn("learned from the last session", human)
        self.assertEqual(len(login_notices()), 1)

    def test_configured_length_and_the_ends_soon_notice(self):
        bus = self.start_bus()
        self.start_daemon(bus.address, {"ssocred_session_duration": "70s",
                                        "ssocred_notify_before": "60s"})
        st = self.session()
        self.assertEqual(st["session_length_source"], "configured")
        self.assertEqual(st["session_length_seconds"], 70)
        self.assertEqual(utc(st["session_ends_at"]), utc(st["session_started_at"]) + 70)
        self.assertIn("(ssocred_session_duration)", self.daemon.cli("status", check=True).stdout)

        def soon():
            return [n for n in bus.notices() if "ends soon" in n["summary"]]
        # Due 10 s after the login.
        wait_until(soon, timeout=30, interval=0.2, what="the ends-soon notification")
        time.sleep(3)
        notices = soon()
        self.assertEqual(len(notices), 1, notices)
        self.assertIn("ssocred login --sso-session demo", notices[0]["body"])
        secrets = {t["access_token"] for t in self.emu.issued()["access_tokens"]}
        secrets |= {t["refresh_token"] for t in self.emu.issued()["refresh_tokens"]}
        for n in bus.notices():
            for s in secrets:
                self.assertNotIn(s, json.dumps(n))

    def test_a_bad_duration_is_ignored(self):
        # (The warning that names the key is checked by the config unit tests.)
        self.start_daemon(None, {"ssocred_session_duration": "soon"})
        st = self.session()
        self.assertEqual(st["state"], "logged_in")
        self.assertIsNone(st["session_length_source"])
        self.assertIsNone(st["session_ends_at"])

    def test_without_a_session_bus_nothing_is_sent_and_all_works(self):
        bus = self.start_bus()  # a bus the daemon is not told about
        # An address that leads nowhere is the same as none.
        self.start_daemon("unix:path=" + os.path.join(self.tmp, "no-bus"))
        self.end_session()
        self.daemon.login()
        self.assertEqual(self.session()["state"], "logged_in")
        self.assertEqual(self.credentials("ro")[0], 200)
        self.assertTrue(self.daemon.proc.poll() is None)
        self.assertEqual(bus.notices(), [])

    def test_a_deleted_aws_cli_cache_file_is_written_again(self):
        self.start_daemon()
        name = hashlib.sha1(b"demo").hexdigest() + ".json"
        path = os.path.join(self.daemon.home, ".aws", "sso", "cache", name)
        wait_until(lambda: os.path.exists(path), timeout=10, what="the AWS CLI cache file")
        os.unlink(path)  # as `aws sso logout` does

        def rewritten():
            try:
                with open(path) as f:
                    return json.load(f)
            except (OSError, ValueError):
                return None
        j = wait_until(rewritten, timeout=10, what="the cache file written again")
        self.assertEqual(j["startUrl"], START_URL)
        self.assertEqual(self.session()["state"], "logged_in")


if __name__ == "__main__":
    unittest.main()
