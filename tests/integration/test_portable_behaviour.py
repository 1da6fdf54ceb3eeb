"""What a new user meets, the same on every OS layer (this file runs on the Linux layer and on
the portable one, whose watchers poll instead of asking the kernel): the daemon says which
layer it runs, a ~/.aws that appears only after the daemon started is found without SIGHUP,
the AWS CLI cache directory the first login creates is watched from then on, and a config
removed and written again is applied (docs/security.md "Per OS layer")."""
import hashlib
import json
import os
import shutil
import tempfile
import unittest

from itest import PROFILES, DaemonTestCase
from daemon_harness import TCP_PEER_OWNER, Daemon, build_platform, write_aws_config
from ssocred_testlib import Emulator, wait_until


def status(daemon):
    return json.loads(daemon.cli("status", "--json", check=True).stdout)


def session_names(daemon):
    return [s["name"] for s in status(daemon)["sessions"]]


class PlatformReported(DaemonTestCase):
    login = False

    def test_status_names_the_layer_this_build_uses(self):
        reported = status(self.daemon)["platform"]
        built = build_platform()
        self.assertEqual(reported["os_layer"], built["os_layer"])
        self.assertEqual(reported["journal"], built["journal"])
        self.assertEqual(reported["tcp_peer_owner"], TCP_PEER_OWNER[reported["os_layer"]])


class NoAwsDirectoryAtStart(unittest.TestCase):
    """The daemon started before the user ever ran `aws configure` (no ~/.aws at all)."""

    def setUp(self):
        self.emu = Emulator("--approve-after", "0", "--device-interval", "0")
        self.emu.start()
        self.addCleanup(self.emu.stop)
        self.tmp = tempfile.mkdtemp(prefix="ssocred-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.daemon = Daemon(self.emu.url, tmpdir=self.tmp, config_profiles=PROFILES)
        self.addCleanup(self.daemon.close)
        shutil.rmtree(os.path.join(self.daemon.home, ".aws"))
        self.daemon.start()

    def test_config_and_cache_directories_created_later_are_watched(self):
        self.assertEqual(session_names(self.daemon), [])
        write_aws_config(self.daemon.config_file, self.emu.url, profiles=PROFILES)
        wait_until(lambda: session_names(self.daemon) == ["demo"], timeout=10,
                   what="the session of a config written into a new ~/.aws")
        self.daemon.login()
        self.daemon.cli("use", "dev", check=True)

        # The login created ~/.aws/sso/cache: a file deleted there (`aws sso logout`) is seen,
        # so the cache directory is watched now, not only the ancestor that stood in for it.
        cache = os.path.join(self.daemon.home, ".aws", "sso", "cache",
                             hashlib.sha1(b"demo").hexdigest() + ".json")
        wait_until(lambda: os.path.exists(cache), timeout=10, what="the AWS CLI cache file")
        os.unlink(cache)
        wait_until(lambda: os.path.exists(cache), timeout=10, what="the cache file written again")
        self.assertEqual(status(self.daemon)["sessions"][0]["state"], "logged_in")


class ConfigRemovedAndWrittenAgain(DaemonTestCase):
    """`rm ~/.aws/config` and a new file later (a dotfiles checkout, a restore)."""

    def test_the_new_file_is_applied_and_the_login_kept(self):
        os.remove(self.daemon.config_file)
        wait_until(lambda: session_names(self.daemon) == [], timeout=10,
                   what="the sessions of a removed config gone")
        profiles = dict(PROFILES)
        profiles["restored"] = {"sso_session": "demo", "sso_account_id": "222222222222",
                                "sso_role_name": "DeployAccess"}
        write_aws_config(self.daemon.config_file, self.emu.url, profiles=profiles)
        wait_until(lambda: self.daemon.cli("use", "restored").returncode == 0, timeout=10,
                   what="use of a profile in the config written again")
        st = status(self.daemon)
        self.assertTrue(st["config"]["ok"])
        self.assertEqual([s["state"] for s in st["sessions"]], ["logged_in"])
        self.assertEqual(self.get("/v1/credentials", self.token)[0], 200)


if __name__ == "__main__":
    unittest.main()
