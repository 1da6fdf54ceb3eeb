"""`ssocred profiles sync` against the real daemon and an emulator serving N accounts: the
AWS config keeps every hand-written byte, generated profiles are usable (daemon, botocore),
dry runs change nothing, pruning removes only generated profiles, a symlinked config stays
a symlink, and 300 accounts work."""
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import unittest
import urllib.parse

from daemon_harness import Daemon, http_request
from ssocred_testlib import Emulator, free_tmpdir, wait_until

BEGIN = "# >>> ssocred profiles sync: sso-session demo >>>"
END = "# <<< ssocred profiles sync: sso-session demo <<<"

HAND_WRITTEN = """\
# Team AWS config: hand-written, ssocred must not touch this part.
[default]
region = eu-west-1
output = json

[sso-session demo]
sso_start_url = https://d-0000000000.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

; profiles I wrote myself
[profile dev]   # my main one
sso_session = demo
sso_account_id = 100000000000
sso_role_name = Admin
region = eu-west-1


[profile Account-001/ReadOnly]
sso_session = demo
sso_account_id = 100000000001
sso_role_name = ReadOnly
region = ap-south-1
"""


def accounts(n, first=0):
    return [{"account_id": str(100000000000 + i), "account_name": f"Account {i:03d}",
             "email": f"a{i}@example.com", "roles": ["Admin", "ReadOnly"]}
            for i in range(first, first + n)]


def botocore_profiles(config_file):
    """The profile names botocore reads from the file (it refuses duplicate sections)."""
    code = ("import json, botocore.session;"
            "print(json.dumps(botocore.session.Session().available_profiles))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={"PATH": os.environ["PATH"], "AWS_CONFIG_FILE": config_file,
                            "HOME": os.path.dirname(os.path.dirname(config_file))})
    if r.returncode != 0:
        raise AssertionError(r.stderr)
    return json.loads(r.stdout)


class ProfilesSync(unittest.TestCase):

    def start(self, n_accounts, text=HAND_WRITTEN, link=False, emulator_args=()):
        """An emulator serving n accounts and a logged-in daemon whose config file holds
        `text` (behind a symlink into a 'dotfiles' directory when link)."""
        tmp = free_tmpdir()
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        catalog = os.path.join(tmp, "emulator.json")
        with open(catalog, "w") as f:
            json.dump({"accounts": accounts(n_accounts) if isinstance(n_accounts, int)
                       else n_accounts}, f)
        emu = Emulator("--approve-after", "0", "--device-interval", "0", "--config", catalog,
                       *emulator_args)
        emu.start()
        self.addCleanup(emu.stop)
        dtmp = os.path.join(tmp, "daemon")
        config = os.path.join(dtmp, "home", ".aws", "config")
        os.makedirs(os.path.dirname(config))
        real = config
        if link:
            real = os.path.join(tmp, "dotfiles", "aws", "config")
            os.makedirs(os.path.dirname(real))
            os.symlink(real, config)
        with open(real, "w") as f:
            f.write(text)
        os.chmod(real, 0o640)
        # The CLI is what must follow the link; the daemon is given the target itself, so
        # this test does not depend on how the daemon treats a symlinked config.
        daemon = Daemon(emu.url, tmpdir=dtmp, env={"AWS_CONFIG_FILE": real} if link else None)
        self.addCleanup(daemon.close)
        daemon.start()
        daemon.login()
        return emu, daemon

    def sync(self, daemon, *args, check=True, timeout=120):
        # daemon.config_file: the path as the user names it (the link, when there is one).
        r = daemon.cli("profiles", "sync", *args, timeout=timeout,
                       env={"AWS_CONFIG_FILE": daemon.config_file})
        if check:
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()

    def reload(self, daemon):
        daemon.proc.send_signal(signal.SIGHUP)

    def test_hand_written_bytes_stay_and_generated_profiles_work(self):
        _, daemon = self.start(3)
        config = daemon.config_file
        before = self.read(config)
        ino = os.stat(config).st_ino

        r = self.sync(daemon)
        after = self.read(config)
        # Everything that was there is there, byte for byte; the block follows a blank line.
        self.assertTrue(after.startswith(before))
        block = after[len(before):].decode()
        self.assertTrue(block.startswith("\n" + BEGIN + "\n"), block[:200])
        self.assertTrue(block.endswith(END + "\n"))
        self.assertEqual(self.read(config + ".bak"), before)
        self.assertEqual(stat.S_IMODE(os.stat(config).st_mode), 0o640)
        self.assertNotEqual(os.stat(config).st_ino, ino)  # replaced by rename, not rewritten
        self.assertFalse([n for n in os.listdir(os.path.dirname(config)) if n.startswith(".")])
        # The hand-written name is skipped and said so; the other five are generated.
        self.assertIn("Account-001/ReadOnly", r.stderr)
        self.assertIn("hand-written", r.stderr)
        self.assertEqual(block.count("[profile "), 5)
        self.assertIn("[profile Account-000/Admin]\nsso_session = demo\n"
                      "sso_account_id = 100000000000\nsso_role_name = Admin\n", block)
        self.assertNotIn("region =", block)
        self.assertEqual(after.count(b"[profile Account-001/ReadOnly]"), 1)

        profiles = botocore_profiles(config)
        for name in ("default", "dev", "Account-000/Admin", "Account-000/ReadOnly",
                     "Account-001/Admin", "Account-001/ReadOnly", "Account-002/Admin",
                     "Account-002/ReadOnly"):
            self.assertIn(name, profiles)
        self.assertEqual(len(profiles), 8)

        # The daemon serves a generated profile once it has re-read the file.
        self.reload(daemon)
        used = wait_until(lambda: daemon.cli("use", "Account-002/Admin").returncode == 0,
                          timeout=15, what="use of a generated profile after SIGHUP")
        self.assertTrue(used)
        _, active = daemon.control("GET", "/v1/active")
        self.assertEqual(active["active"]["account_id"], "100000000002")
        self.assertEqual(active["active"]["role_name"], "Admin")
        # A name with '/' (the default template) also works where it goes into a URI path.
        env = json.loads(daemon.cli("env", "--profile", "Account-000/ReadOnly", "--json",
                                    check=True).stdout)["set"]
        uri = urllib.parse.urlsplit(env["AWS_CONTAINER_CREDENTIALS_FULL_URI"])
        self.assertIn("Account-000%2FReadOnly", uri.path)
        status, _, body = http_request(uri.hostname, uri.port, "GET", uri.path, headers={
            "Authorization": env["AWS_CONTAINER_AUTHORIZATION_TOKEN"]})
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["AccountId"], "100000000000")

        # A second run with nothing new writes nothing and says so.
        ino = os.stat(config).st_ino
        r = self.sync(daemon, "--json")
        summary = json.loads(r.stdout)
        self.assertFalse(summary["changed"])
        self.assertEqual((summary["added"], summary["updated"], summary["removed"]), ([], [], []))
        self.assertEqual(len(summary["unchanged"]), 5)
        self.assertEqual(os.stat(config).st_ino, ino)
        self.assertEqual(self.read(config), after)
        r = self.sync(daemon)
        self.assertIn("up to date", r.stdout)

    def test_dry_run_prints_the_diff_and_changes_nothing(self):
        _, daemon = self.start(2)
        config = daemon.config_file
        before = self.read(config)
        mtime = os.stat(config).st_mtime_ns
        r = self.sync(daemon, "--dry-run", "--region", "eu-central-1")
        self.assertEqual(self.read(config), before)
        self.assertEqual(os.stat(config).st_mtime_ns, mtime)
        self.assertFalse(os.path.exists(config + ".bak"))
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "--- " + config)
        self.assertTrue(lines[1].startswith("+++ " + config))
        self.assertTrue(lines[2].startswith("@@ -"), lines[2])
        self.assertIn("+[profile Account-000/Admin]", lines)
        self.assertIn("+region = eu-central-1", lines)
        self.assertIn("+" + BEGIN, lines)
        self.assertFalse([l for l in lines[3:] if l.startswith("-")])
        self.assertIn("nothing written", r.stderr)
        # The diff is a real patch: applied to a copy it gives what a real run writes.
        copy = os.path.join(daemon.tmp, "config-patched")
        shutil.copy(config, copy)
        p = subprocess.run(["patch", "-s", copy], input=r.stdout, text=True, capture_output=True,
                           timeout=30)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        summary = json.loads(self.sync(daemon, "--dry-run", "--json", "--region",
                                       "eu-central-1").stdout)
        self.assertTrue(summary["dry_run"] and summary["changed"])
        self.assertEqual(len(summary["added"]), 3)
        self.assertEqual(self.read(config), before)
        self.sync(daemon, "--region", "eu-central-1")
        self.assertEqual(self.read(config), self.read(copy))
        os.remove(copy)

    def test_lost_account_is_kept_without_prune_and_removed_with_it(self):
        _, first = self.start(3)
        self.sync(first)
        # The user adds a section after the generated block; it must survive the prune.
        tail = b"\n# added later by hand\n[profile after-the-block]\nregion = us-west-2\n"
        with open(first.config_file, "ab") as f:
            f.write(tail)
        synced = self.read(first.config_file)
        first.close()

        # The directory no longer has account 002: a fresh emulator and daemon on that file.
        _, daemon = self.start(2, text=synced.decode())
        config = daemon.config_file
        r = self.sync(daemon, "--json")
        summary = json.loads(r.stdout)
        self.assertFalse(summary["changed"])
        self.assertEqual(sorted(e["profile"] for e in summary["stale"]),
                         ["Account-002/Admin", "Account-002/ReadOnly"])
        self.assertEqual(self.read(config), synced)
        r = self.sync(daemon)
        self.assertIn("--prune", r.stdout)

        r = self.sync(daemon, "--prune", "--dry-run")
        self.assertIn("-[profile Account-002/Admin]", r.stdout.splitlines())
        self.assertEqual(self.read(config), synced)

        summary = json.loads(self.sync(daemon, "--prune", "--json").stdout)
        self.assertTrue(summary["changed"])
        self.assertEqual(sorted(e["profile"] for e in summary["removed"]),
                         ["Account-002/Admin", "Account-002/ReadOnly"])
        after = self.read(config)
        self.assertNotIn(b"Account-002", after)
        # Outside the block, byte-identical: the hand-written head and the later tail.
        head = synced[:synced.index(BEGIN.encode())]
        self.assertEqual(after[:after.index(BEGIN.encode())], head)
        self.assertTrue(head.startswith(HAND_WRITTEN.encode()))
        self.assertTrue(after.endswith(END.encode() + b"\n" + tail))
        self.assertEqual(self.read(config + ".bak"), synced)
        profiles = botocore_profiles(config)
        self.assertIn("after-the-block", profiles)
        self.assertIn("dev", profiles)
        self.assertNotIn("Account-002/Admin", profiles)

    def test_symlinked_config_stays_a_symlink(self):
        _, daemon = self.start(1, link=True)
        config = daemon.config_file
        target = os.readlink(config)
        self.sync(daemon)
        self.assertTrue(os.path.islink(config))
        self.assertEqual(os.readlink(config), target)
        with open(target) as f:
            self.assertIn("[profile Account-000/Admin]", f.read())
        self.assertEqual(self.read(target + ".bak"), HAND_WRITTEN.encode())
        self.assertEqual(stat.S_IMODE(os.stat(target).st_mode), 0o640)

    def test_template_collisions_and_bad_template(self):
        same_name = [{"account_id": "100000000005", "account_name": "Shared", "roles": ["Admin"]},
                     {"account_id": "100000000006", "account_name": "Shared", "roles": ["Admin"]}]
        _, daemon = self.start(same_name)
        summary = json.loads(self.sync(daemon, "--json", "--template",
                                       "team {account_name} {role_name}").stdout)
        self.assertEqual(sorted(e["profile"] for e in summary["added"]),
                         ["team-Shared-Admin", "team-Shared-Admin-100000000006"])
        r = self.sync(daemon, "--template", "{account}", check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown placeholder", r.stderr)
        # The template is remembered in the block: a plain run changes nothing.
        self.assertFalse(json.loads(self.sync(daemon, "--json").stdout)["changed"])

    def test_300_accounts(self):
        # ListAccounts pages hold 100 at most; the emulator's 50 makes the daemon page more.
        emu, daemon = self.start(300, emulator_args=("--page-size", "50"))
        emu.reset_counters()
        started = time.monotonic()
        r = self.sync(daemon, "--json", timeout=300)
        elapsed = time.monotonic() - started
        summary = json.loads(r.stdout)
        self.assertEqual(len(summary["added"]), 599)  # 600 roles, one name hand-written
        self.assertEqual(len(summary["skipped"]), 1)
        ops = emu.counters()["operations"]
        self.assertEqual(ops["ListAccounts"], 6)
        self.assertEqual(ops["ListAccountRoles"], 300)
        self.assertLess(elapsed, 60, "listing 300 accounts took too long")
        profiles = botocore_profiles(daemon.config_file)
        self.assertEqual(len(profiles), 602)  # default, dev and 600 Account-NNN/ROLE
        self.assertTrue(self.read(daemon.config_file).startswith(HAND_WRITTEN.encode()))
        again = json.loads(self.sync(daemon, "--json", timeout=300).stdout)
        self.assertFalse(again["changed"])
        self.assertEqual(len(again["unchanged"]), 599)


if __name__ == "__main__":
    unittest.main()
