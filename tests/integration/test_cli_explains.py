"""A CLI that explains itself: --json errors are JSON documents with the daemon's (or the
CLI's) code and the usual exit codes; `help foo` names the unknown command; `list` and
`status` show the profile naming each role; upstream failures say what to do next."""
import json
import unittest

from itest import DaemonTestCase
from daemon_harness import Daemon


class JsonErrors(DaemonTestCase):
    def json_error(self, *args, exit_code):
        r = self.daemon.cli(*args)
        self.assertEqual(r.returncode, exit_code, (args, r.stdout, r.stderr))
        doc = json.loads(r.stdout)
        self.assertEqual(set(doc), {"error"})
        self.assertTrue(doc["error"]["message"])
        self.assertIn(doc["error"]["message"], r.stderr)  # the human line stays on stderr
        return doc["error"]["code"]

    def test_daemon_codes(self):
        self.assertEqual(self.json_error("use", "no-such-profile", "--json", exit_code=1),
                         "not_found")
        self.assertEqual(self.json_error("env", "--profile", "nope", "--json", exit_code=1),
                         "not_found")
        self.assertEqual(self.json_error("tokens", "revoke", "nope", "--json", exit_code=1),
                         "not_found")
        self.daemon.cli("logout", check=True)
        self.assertEqual(self.json_error("--json", "list", "--refresh", "--no-login", exit_code=1),
                         "login_required")

    def test_client_codes(self):
        self.assertEqual(self.json_error("use", "--bogus", "--json", exit_code=2), "usage")
        self.assertEqual(self.json_error("--json", "nosuchcommand", exit_code=2), "usage")
        self.assertEqual(self.json_error("use", "12345/Admin", "--json", exit_code=2), "usage")
        self.daemon.stop()
        self.assertEqual(self.json_error("status", "--json", exit_code=3), "daemon_not_running")

    def test_without_json_errors_stay_text(self):
        r = self.daemon.cli("use", "no-such-profile")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        self.assertTrue(r.stderr.startswith("ssocred: "))

    def test_help_for_an_unknown_command(self):
        r = self.daemon.cli("help", "foo")
        self.assertEqual(r.returncode, 2)
        self.assertIn('unknown command "foo"', r.stderr)
        r = self.daemon.cli("help", "stauts")
        self.assertEqual(r.returncode, 2)
        self.assertIn('unknown command "stauts"', r.stderr)
        self.assertIn("did you mean 'status'", r.stderr)
        self.assertEqual(self.daemon.cli("help", "status").returncode, 0)


class ProfileColumns(DaemonTestCase):
    def test_list_and_status_show_profiles(self):
        out = self.daemon.cli("list", check=True).stdout.splitlines()
        self.assertEqual(out[0].split()[:2], ["PROFILE", "ACCOUNT"])
        rows = {(l.split()[-4], l.split()[-2]): l.split() for l in out[1:]}
        dev = rows[("111111111111", "DeveloperAccess")]
        self.assertEqual(dev[:2], ["*", "dev"])  # the active role, its profile
        self.assertEqual(rows[("111111111111", "ReadOnlyAccess")][0], "ro")
        self.assertEqual(rows[("222222222222", "DeployAccess")][0], "stg")
        self.assertEqual(rows[("333333333333", "BillingAccess")][0], "-")

        accounts = json.loads(self.daemon.cli("list", "--json", check=True).stdout)["accounts"]
        by_id = {a["account_id"]: a for a in accounts}
        self.assertEqual(by_id["111111111111"]["profiles"],
                         {"DeveloperAccess": "dev", "ReadOnlyAccess": "ro"})
        self.assertEqual(by_id["333333333333"]["profiles"], {})

        self.daemon.cli("credential-process", "--profile", "ro", check=True)
        self.daemon.cli("credential-process", check=True)
        st = json.loads(self.daemon.cli("status", "--json", check=True).stdout)
        profiles = {r["role_name"]: r["profile"] for r in st["roles"]}
        self.assertEqual(profiles, {"DeveloperAccess": "dev", "ReadOnlyAccess": "ro"})
        text = self.daemon.cli("status", check=True).stdout
        table = text[text.index("Role credentials"):].splitlines()
        self.assertEqual(table[1].split()[:2], ["PROFILE", "ROLE"])
        self.assertTrue(any(l.split()[:2] == ["ro", "111111111111/ReadOnlyAccess"]
                            for l in table[2:]), text)


class NextSteps(DaemonTestCase):
    def test_server_error_says_try_again(self):
        self.emu.fault("ListAccounts", "status500", count=-1)
        r = self.daemon.cli("list", "--refresh")
        self.assertEqual(r.returncode, 1)
        self.assertIn("try again", r.stderr)

    def test_refused_login_says_log_in(self):
        self.emu.revoke()
        self.emu.expire_access_tokens()
        r = self.daemon.cli("list", "--refresh", "--no-login", "--json")
        self.assertEqual(r.returncode, 1)
        err = json.loads(r.stdout)["error"]
        self.assertEqual(err["code"], "login_required")
        self.assertIn("ssocred login", err["message"])

    def test_unreachable_portal_names_the_network_and_endpoint(self):
        # A portal nobody listens on (port 1 on loopback refuses at once); sign-in works.
        daemon = Daemon(self.emu.url, env={"AWS_ENDPOINT_URL_SSO": "http://127.0.0.1:1"},
                        config_profiles={"dev": {"sso_session": "demo",
                                                 "sso_account_id": "111111111111",
                                                 "sso_role_name": "DeveloperAccess"}})
        self.addCleanup(daemon.close)
        daemon.start()
        daemon.login()
        r = daemon.cli("list", "--refresh")
        self.assertEqual(r.returncode, 1)
        self.assertIn("AWS_ENDPOINT_URL_SSO", r.stderr)
        self.assertIn("try again", r.stderr)
        r = daemon.cli("credential-process", "--profile", "dev")
        self.assertEqual(r.returncode, 1)
        self.assertIn("could not be reached", r.stderr)
        self.assertIn("AWS_ENDPOINT_URL_SSO", r.stderr)
        self.assertIn("keeps retrying", r.stderr)


if __name__ == "__main__":
    unittest.main()
