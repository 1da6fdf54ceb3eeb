"""After `ssocred logout`, the daemon's memory holds none of the secrets Identity Center
issued to it (issue 16 item 10): root reads every writable mapping of the daemon through
/proc/PID/maps and /proc/PID/mem - heap, thread stacks, data - and looks for each role
secret key, session token, access token and refresh token the emulator handed out
(`/__admin/issued`). The daemon is not dumpable (PR_SET_DUMPABLE 0), so only root can
read it; the test is skipped otherwise."""
import os
import time
import unittest

from itest import DaemonTestCase
from ssocred_testlib import wait_until

MAX_BYTES = 2 << 30  # bounds the scan (a daemon maps far less than this writable)


def writable_regions(pid):
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            fields = line.split()
            start, end = (int(x, 16) for x in fields[0].split("-"))
            perms = fields[1]
            name = fields[5] if len(fields) > 5 else "[anon]"
            if "w" in perms and "r" in perms and name not in ("[vvar]", "[vsyscall]"):
                yield start, end, name


def read_writable_memory(pid):
    """[(name, bytes)] of every readable writable mapping."""
    out = []
    total = 0
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for start, end, name in writable_regions(pid):
            if total + (end - start) > MAX_BYTES:
                raise AssertionError("the daemon maps more writable memory than the scan allows")
            try:
                mem.seek(start)
                data = mem.read(end - start)
            except OSError:
                continue  # a guard page or a mapping gone meanwhile
            total += len(data)
            out.append((name, data))
    return out


@unittest.skipUnless(os.geteuid() == 0, "needs root to read a non-dumpable process's memory")
class SecretsInMemory(DaemonTestCase):
    def issued_secrets(self):
        """{kind: set of values} of everything secret the emulator issued."""
        issued = self.emu.issued()
        secrets = {"secret access key": set(), "session token": set(), "access token": set(),
                   "refresh token": set()}
        for c in issued["role_credentials"]:
            secrets["secret access key"].add(c["secret_access_key"])
            secrets["session token"].add(c["session_token"])
        secrets["access token"] |= {t["access_token"] for t in issued["access_tokens"]}
        secrets["refresh token"] |= {t["refresh_token"] for t in issued["refresh_tokens"]}
        return secrets

    def find(self, secrets):
        """[(kind, mapping)] for each secret found (never the secret itself)."""
        regions = read_writable_memory(self.daemon.proc.pid)
        self.assertGreater(sum(len(d) for _, d in regions), 1 << 20)
        found = []
        for kind, values in secrets.items():
            for v in values:
                needle = v.encode()
                for name, data in regions:
                    if needle in data:
                        found.append((kind, name))
        return found

    def test_logout_leaves_no_issued_secret_in_memory(self):
        # A sanitizer build brings its own allocator (heap wiping is off there, on purpose:
        # daemon/heap_wipe.cpp) and terabytes of shadow mappings: this runs in the release
        # stage, against the daemon users run.
        with open(f"/proc/{self.daemon.proc.pid}/maps") as f:
            if any(lib in f.read() for lib in ("libasan", "libtsan")):
                self.skipTest("sanitizer build: its allocator is not the one users run")
        # Credentials for several roles, by every path, so the daemon holds several bodies;
        # then a token renewal would be nice but is not needed: the login's tokens suffice.
        for path in ("/v1/credentials", "/v1/profiles/ro/credentials",
                     "/v1/accounts/222222222222/roles/DeployAccess/credentials"):
            status, _, _ = self.get(path, self.token)
            self.assertEqual(status, 200, path)
        secrets = self.issued_secrets()
        self.assertGreaterEqual(len(secrets["secret access key"]), 3)
        self.assertTrue(secrets["refresh token"])
        # Sanity: before the logout the scan does find what the daemon holds.
        self.assertTrue(self.find(secrets), "the scan finds nothing even before the logout")

        r = self.daemon.cli("logout")
        self.assertEqual(r.returncode, 0, r.stderr)
        wait_until(lambda: self.get("/v1/credentials", self.token)[0] == 503, timeout=10,
                   what="the credentials to be gone")
        time.sleep(0.5)  # let the worker and loop threads finish with the logout
        found = self.find(self.issued_secrets())
        self.assertEqual(found, [], "issued secrets still in the daemon's memory after logout")


if __name__ == "__main__":
    unittest.main()
