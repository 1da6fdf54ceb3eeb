"""The AWS config read as the AWS CLI reads it: edits applied without SIGHUP (in place,
rename-over, through a symlink), a broken file reported exactly while the last good version
serves, the named profile's region, AWS_PROFILE, login with an sso_session-only profile,
and "did you mean" for typos."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from itest import DaemonTestCase, PROFILES
from daemon_harness import Daemon, write_aws_config
from ssocred_testlib import Emulator, wait_until

SESSION = ("[sso-session demo]\nsso_start_url = https://d-0000000000.awsapps.com/start\n"
           "sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n")


def profile_text(name, account, role, region=None):
    head = "[default]" if name == "default" else f"[profile {name}]"
    text = f"{head}\nsso_session = demo\nsso_account_id = {account}\nsso_role_name = {role}\n"
    if region:
        text += f"region = {region}\n"
    return text + "\n"


def exports(text):
    """`ssocred env --shell sh` output -> {name: value or None (unset)}."""
    out = {}
    for line in text.splitlines():
        if line.startswith("export "):
            name, value = line[len("export "):].split("=", 1)
            out[name] = value.strip(";").strip("'")
        elif line.startswith("unset "):
            out[line.split()[1].strip(";")] = None
    return out


class LiveConfig(DaemonTestCase):
    """Edits of the config file reach the running daemon by themselves."""

    def base_text(self):
        return SESSION + "".join(profile_text(n, p["sso_account_id"], p["sso_role_name"],
                                              p.get("region")) for n, p in PROFILES.items())

    def wait_for_profile(self, name, present=True):
        def seen():
            r = self.daemon.cli("env", "--profile", name, "--shell", "sh")
            return (r.returncode == 0) == present
        wait_until(seen, timeout=10, what=f"profile {name} {'applied' if present else 'gone'}")

    def test_plain_write_then_use_without_sighup(self):
        with open(self.daemon.config_file, "a") as f:
            f.write("\n" + profile_text("added", "222222222222", "DeployAccess", "ap-south-1"))
        # Within about a second; `use` is what a person types next.
        wait_until(lambda: self.daemon.cli("use", "added").returncode == 0, timeout=10,
                   what="use of a profile added by a plain write")
        st = json.loads(self.daemon.cli("status", "--json", check=True).stdout)
        self.assertEqual(st["active"]["profile"], "added")
        self.assertTrue(st["config"]["ok"])

    def test_a_profile_naming_no_sso_session_is_reported_at_once(self):
        def warnings():
            st = json.loads(self.daemon.cli("status", "--json", check=True).stdout)
            return st["config"]["warnings"]
        before = warnings()
        with open(self.daemon.config_file, "a") as f:
            f.write("\n[profile typo]\nsso_session = dmeo\nsso_account_id = 111111111111\n"
                    "sso_role_name = ReadOnly\n")
        wait_until(lambda: len(warnings()) > len(before), timeout=10,
                   what="the dangling sso_session reported")
        [warning] = [w for w in warnings() if w not in before]
        self.assertIn("typo", warning)
        self.assertIn("did you mean 'demo'", warning)
        # Before the profile is ever used: doctor warns (without failing), status says it.
        doctor = json.loads(self.daemon.cli("doctor", "--json").stdout)
        checks = [c for c in doctor["checks"] if c["name"] == "aws config"]
        self.assertIn(("warn", warning), [(c["status"], c["detail"]) for c in checks])
        self.assertIn(warning, self.daemon.cli("status", check=True).stdout)

    def test_rename_over_as_editors_save(self):
        tmp = self.daemon.config_file + ".swp"
        with open(tmp, "w") as f:
            f.write(self.base_text() + profile_text("renamed", "111111111111", "ReadOnlyAccess"))
        os.rename(tmp, self.daemon.config_file)
        wait_until(lambda: self.daemon.cli("use", "renamed").returncode == 0, timeout=10,
                   what="use of a profile added by rename-over")

    def test_symlinked_config_and_target_edits(self):
        dotfiles = os.path.join(self.daemon.tmp, "dotfiles")
        os.makedirs(dotfiles)
        target = os.path.join(dotfiles, "aws-config")
        with open(target, "w") as f:
            f.write(self.base_text())
        os.remove(self.daemon.config_file)
        os.symlink(target, self.daemon.config_file)
        # The link itself replaced the file: the daemon follows it (no ELOOP refusal).
        with open(target, "a") as f:
            f.write(profile_text("linked", "222222222222", "DeployAccess"))
        wait_until(lambda: self.daemon.cli("use", "linked").returncode == 0, timeout=10,
                   what="use of a profile added in the symlink's target")
        self.assertTrue(json.loads(self.daemon.cli("status", "--json").stdout)["config"]["ok"])

    def test_broken_file_keeps_last_good_and_says_where(self):
        with open(self.daemon.config_file, "a") as f:
            f.write("\n[profile broken\nregion = x\n")
        with open(self.daemon.config_file) as f:
            lines = f.read().splitlines()
        bad_line = lines.index("[profile broken") + 1
        expected = f"{self.daemon.config_file}:{bad_line}: section header is missing its closing ']'"

        def reported():
            st = json.loads(self.daemon.cli("status", "--json", check=True).stdout)
            return st["config"]["error"] == expected and not st["config"]["ok"]
        wait_until(reported, timeout=10, what="config error in status")

        # The last good version still serves: the active role, and `use` of a known profile,
        # which warns that the file is broken.
        status, _, _ = self.get("/v1/credentials", self.token)
        self.assertEqual(status, 200)
        r = self.daemon.cli("use", "ro")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(expected, r.stderr)
        # A profile only the broken file would have: the error names the file and line.
        r = self.daemon.cli("use", "broken")
        self.assertEqual(r.returncode, 1)
        self.assertIn(expected, r.stderr)
        r = self.daemon.cli("env", "--profile", "broken")
        self.assertEqual(r.returncode, 1)
        self.assertIn(expected, r.stderr)
        r = self.daemon.cli("list")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(expected, r.stderr)
        # env still prints a working environment, and warns like the others.
        r = self.daemon.cli("env")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("AWS_CONTAINER_AUTHORIZATION_TOKEN", r.stdout)
        self.assertIn(expected, r.stderr)

        doctor = json.loads(self.daemon.cli("doctor", "--json").stdout)
        check = next(c for c in doctor["checks"] if c["name"] == "aws config")
        self.assertEqual(check["status"], "fail")
        self.assertEqual(check["detail"], expected)
        self.assertTrue(check["fix"])
        self.assertFalse(doctor["ok"])

        # Fixed: the error is gone, the new profile is in service.
        with open(self.daemon.config_file, "w") as f:
            f.write(self.base_text() + profile_text("broken", "222222222222", "DeployAccess"))
        wait_until(lambda: json.loads(self.daemon.cli("status", "--json").stdout)["config"]["ok"],
                   timeout=10, what="config error cleared")
        self.daemon.cli("use", "broken", check=True)


class BrokenAtStart(unittest.TestCase):
    """A daemon that starts with a file that does not parse says exactly that."""

    def test_fresh_daemon_reports_the_file_not_no_session(self):
        emu = Emulator("--approve-after", "0", "--device-interval", "0")
        emu.start()
        self.addCleanup(emu.stop)
        tmp = tempfile.mkdtemp(prefix="ssocred-test-")
        self.addCleanup(shutil.rmtree, tmp, True)
        config = os.path.join(tmp, "home", ".aws", "config")
        os.makedirs(os.path.dirname(config))
        with open(config, "w") as f:
            f.write(SESSION + "[profile broken\nsso_session = demo\n")
        daemon = Daemon(emu.url, tmpdir=tmp)
        self.addCleanup(daemon.close)
        daemon.start()
        expected = f"{config}:6: section header is missing its closing ']'"
        for args in (["login", "--use-device-code", "--no-browser"], ["list"], ["use", "dev"]):
            r = daemon.cli(*args)
            self.assertEqual(r.returncode, 1, args)
            self.assertIn(expected, r.stderr, args)
            self.assertNotIn("no SSO session is configured", r.stderr, args)
        st = json.loads(daemon.cli("status", "--json", check=True).stdout)
        self.assertEqual(st["config"]["error"], expected)
        # Fixed while running: sessions appear, login works.
        with open(config, "w") as f:
            f.write(SESSION + profile_text("dev", "111111111111", "DeveloperAccess"))
        wait_until(lambda: json.loads(daemon.cli("status", "--json").stdout)["sessions"],
                   timeout=10, what="session after the fix")
        daemon.login()
        daemon.cli("use", "dev", check=True)


class PerProfile(DaemonTestCase):
    """The named profile's own settings apply wherever a profile is named."""

    def setUp(self):
        super().setUp()
        with open(self.daemon.config_file, "a") as f:
            f.write("\n" + profile_text("staging", "222222222222", "DeployAccess", "eu-central-1"))
            f.write("[profile session-only]\nsso_session = demo\n\n")
        wait_until(lambda: self.daemon.cli("env", "--profile", "staging").returncode == 0,
                   timeout=10, what="staging applied")

    def test_env_profile_exports_its_own_region(self):
        # dev (eu-west-1) is active; staging's region must win.
        v = exports(self.daemon.cli("env", "--profile", "staging", "--shell", "sh",
                                    check=True).stdout)
        self.assertEqual(v["AWS_REGION"], "eu-central-1")
        self.assertEqual(v["AWS_DEFAULT_REGION"], "eu-central-1")
        self.assertEqual(v["SSOCRED_PROFILE"], "staging")
        # stg has no region: none from ssocred, not the active role's.
        v = exports(self.daemon.cli("env", "--profile", "stg", "--shell", "sh", check=True).stdout)
        self.assertNotIn("AWS_REGION", v)
        # Active role: its own profile's region.
        v = exports(self.daemon.cli("env", "--shell", "sh", check=True).stdout)
        self.assertEqual(v["AWS_REGION"], "eu-west-1")
        self.assertEqual(v["SSOCRED_PROFILE"], "dev")

    def test_exec_profile_runs_in_its_region_with_its_role(self):
        code = ("import os, botocore.session as s; c = s.get_session();"
                "print(os.environ.get('AWS_REGION'), c.get_config_variable('region'),"
                " c.get_credentials().get_frozen_credentials().access_key)")
        r = self.daemon.cli("exec", "--profile", "staging", "--", sys.executable, "-c", code,
                            check=True)
        region, botocore_region, key = r.stdout.split()
        self.assertEqual((region, botocore_region), ("eu-central-1", "eu-central-1"))
        issued = {c["access_key_id"]: c for c in self.emu.issued()["role_credentials"]}
        self.assertEqual(issued[key]["account_id"], "222222222222")

    def test_aws_profile_is_honoured_and_said(self):
        r = self.daemon.cli("env", "--shell", "sh", env={"AWS_PROFILE": "staging"}, check=True)
        v = exports(r.stdout)
        self.assertIn("/v1/profiles/staging/credentials", v["AWS_CONTAINER_CREDENTIALS_FULL_URI"])
        self.assertEqual(v["AWS_REGION"], "eu-central-1")
        self.assertIsNone(v["AWS_PROFILE"])  # unset for the SDKs, after it was read
        self.assertIn("AWS_PROFILE", r.stderr)
        # --profile beats AWS_PROFILE.
        v = exports(self.daemon.cli("env", "--profile", "ro", "--shell", "sh",
                                    env={"AWS_PROFILE": "staging"}, check=True).stdout)
        self.assertIn("/v1/profiles/ro/credentials", v["AWS_CONTAINER_CREDENTIALS_FULL_URI"])
        # exec and credential-process too.
        code = "import os; print(os.environ['SSOCRED_PROFILE'], os.environ.get('AWS_REGION'))"
        r = self.daemon.cli("exec", "--", sys.executable, "-c", code,
                            env={"AWS_PROFILE": "staging"}, check=True)
        self.assertEqual(r.stdout.split(), ["staging", "eu-central-1"])
        self.assertIn("AWS_PROFILE", r.stderr)
        out = json.loads(self.daemon.cli("credential-process", env={"AWS_PROFILE": "staging"},
                                         check=True).stdout)
        self.assertEqual(out["AccountId"], "222222222222")
        # The active profile through AWS_PROFILE: nothing to say.
        r = self.daemon.cli("env", env={"AWS_PROFILE": "dev"}, check=True)
        self.assertNotIn("AWS_PROFILE", r.stderr)
        # A typo in AWS_PROFILE names the variable and a fix.
        r = self.daemon.cli("env", env={"AWS_PROFILE": "stagign"})
        self.assertEqual(r.returncode, 1)
        self.assertIn("AWS_PROFILE=stagign", r.stderr)
        self.assertIn("did you mean 'staging'", r.stderr)

    def test_credential_process_profile_keys(self):
        out = json.loads(self.daemon.cli("credential-process", "--profile", "staging",
                                         check=True).stdout)
        self.assertEqual(out["AccountId"], "222222222222")
        self.assertEqual(out["Version"], 1)

    def test_login_with_a_profile_that_has_only_sso_session(self):
        r = self.daemon.cli("login", "--profile", "session-only", "--use-device-code",
                            "--no-browser")
        self.assertEqual(r.returncode, 0, r.stderr)
        # A profile with no SSO settings at all says so (not "has no SSO role").
        with open(self.daemon.config_file, "a") as f:
            f.write("[profile plain]\nregion = us-west-2\n")
        wait_until(lambda: "names no SSO session" in self.daemon.cli(
            "login", "--profile", "plain", "--no-browser").stderr, timeout=10,
            what="plain profile refused with the reason")

    def test_typos_get_did_you_mean(self):
        r = self.daemon.cli("use", "stagign")
        self.assertEqual(r.returncode, 1)
        self.assertIn("did you mean 'staging'", r.stderr)
        r = self.daemon.cli("login", "--sso-session", "dmeo", "--no-browser")
        self.assertEqual(r.returncode, 1)
        self.assertIn("did you mean 'demo'", r.stderr)
        r = self.daemon.cli("use", "11111111111/DeveloperAccess")  # 11 digits
        self.assertEqual(r.returncode, 2)
        self.assertIn("12-digit account id", r.stderr)


if __name__ == "__main__":
    unittest.main()
