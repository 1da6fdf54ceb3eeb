"""Containers reach ssocredd the ECS way, on 169.254.170.2 (docs/containers.md).

A container is stood in for by a network namespace made here: a veth pair whose host end
carries 169.254.170.2 in the root namespace (what `ssocred container-setup` puts on the
docker bridge) and whose namespace end has a link-local address of its own. The real
daemon listens on 169.254.170.2 with --allow-cidr for the "containers'" range; botocore
runs INSIDE the namespace with exactly what `ssocred env --container --profile P`
printed. A second namespace, outside the allowed range, plays a foreign network.

`ssocred container-setup` itself runs inside a throwaway namespace with a dummy bridge.

Needs root (CAP_NET_ADMIN) and iproute2; without them the tests are skipped and the
reason is printed. Names carry the test's pid, and namespaces left by a killed run are
removed first, so one run never breaks the next.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import unittest

from daemon_harness import SANITIZER_ENV, SSOCRED
from itest import DaemonTestCase

HOST = "169.254.170.2"
PID = os.getpid()
PREFIX = "sct"  # every namespace and link made here is named sct<pid>...
# Per-run client addresses (two concurrent runs must not fight over a /32 route).
INSIDE = f"169.254.171.{2 + PID % 250}"    # inside --allow-cidr 169.254.171.0/24
OUTSIDE = f"169.254.172.{2 + PID % 250}"   # not allowed
ALLOW = "169.254.171.0/24"


def ip(*args, ns=None, check=True):
    cmd = (["ip", "netns", "exec", ns] if ns else []) + ["ip", *args]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} -> {r.returncode}: {r.stderr.strip()}")
    return r


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers():
    """Namespaces and host links of earlier runs whose process is gone."""
    names = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    for line in names.splitlines():
        m = re.match(rf"^({PREFIX}(\d+)[a-z])\b", line)
        if m and int(m.group(2)) != PID and not _pid_alive(int(m.group(2))):
            ip("netns", "del", m.group(1), check=False)
    links = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True).stdout
    for line in links.splitlines():
        m = re.match(rf"^\d+: ({PREFIX}(\d+)[a-z]+)[@:]", line)
        if m and int(m.group(2)) != PID and not _pid_alive(int(m.group(2))):
            ip("link", "del", m.group(1), check=False)


def namespaces_unavailable():
    """Why network namespaces cannot be made here, or None."""
    if os.geteuid() != 0:
        return "not root: creating network namespaces needs CAP_NET_ADMIN"
    if shutil.which("ip") is None:
        return "the `ip` command (iproute2) is not installed"
    probe = f"{PREFIX}{PID}p"
    r = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if r.returncode != 0:
        return f"`ip netns add` failed: {r.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


SKIP_REASON = namespaces_unavailable()
if SKIP_REASON:
    print(f"test_containers: SKIPPING the namespace tests: {SKIP_REASON}", file=sys.stderr)
else:
    remove_leftovers()


class Netns:
    """A namespace joined to the root namespace by a veth pair. The host end gets
    169.254.170.2/32 and a /32 route to the client; the namespace end gets `addr`/32 and a
    route to 169.254.170.2. Removed (with its links) by close(), even after failures."""

    def __init__(self, suffix, addr):
        self.name = f"{PREFIX}{PID}{suffix}"
        self.host_if = f"{PREFIX}{PID}h{suffix}"
        self.addr = addr
        self.made = False

    def create(self):
        ip("netns", "add", self.name)
        self.made = True
        ip("link", "add", self.host_if, "type", "veth", "peer", "name", "eth0", "netns", self.name)
        ip("addr", "add", f"{HOST}/32", "dev", self.host_if)
        ip("link", "set", self.host_if, "up")
        ip("route", "add", f"{self.addr}/32", "dev", self.host_if)
        ip("link", "set", "lo", "up", ns=self.name)
        ip("addr", "add", f"{self.addr}/32", "dev", "eth0", ns=self.name)
        ip("link", "set", "eth0", "up", ns=self.name)
        ip("route", "add", f"{HOST}/32", "dev", "eth0", ns=self.name)
        return self

    def close(self):
        if self.made:
            ip("netns", "del", self.name, check=False)  # takes the veth pair with it
        ip("link", "del", self.host_if, check=False)

    def run(self, argv, env, timeout=120):
        return subprocess.run(["ip", "netns", "exec", self.name, *argv], env=env,
                              capture_output=True, text=True, timeout=timeout)


# Run inside a namespace: botocore's container provider, exactly as an SDK in a container
# uses it. Prints {"access_key": ...} or {"error": ...}; never a secret key.
BOTOCORE = """
import json, botocore.session
try:
    c = botocore.session.get_session().get_credentials()
    out = {"method": c.method, "access_key": c.get_frozen_credentials().access_key} if c else {"error": "none"}
except Exception as e:
    out = {"error": type(e).__name__}
print(json.dumps(out))
"""

# A raw request, to see the daemon's status code (botocore only says it failed).
PROBE = """
import http.client, json, os, sys
from urllib.parse import urlsplit
u = urlsplit(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"])
headers = {}
f = os.environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
if f:
    headers["Authorization"] = open(f).read()
elif os.environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN"):
    headers["Authorization"] = os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
try:
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    c.request("GET", u.path, headers=headers)
    print(json.dumps({"status": c.getresponse().status}))
except OSError as e:
    print(json.dumps({"status": None, "error": type(e).__name__}))
"""


@unittest.skipIf(SKIP_REASON, f"network namespaces unavailable: {SKIP_REASON}")
class ContainerNamespace(DaemonTestCase):
    def setUp(self):
        self.inside = Netns("a", INSIDE)
        self.addCleanup(self.inside.close)
        self.inside.create()
        self.outside = Netns("b", OUTSIDE)
        self.addCleanup(self.outside.close)
        self.outside.create()
        # 169.254.170.2 exists now, so the daemon can bind it (port 0: any port will do,
        # SDKs check only the host). The harness adds the loopback listener for the CLI.
        self.daemon_args = ("--listen", f"{HOST}:0", "--allow-cidr", ALLOW)
        super().setUp()

    def container_env(self, profile):
        """`ssocred env --container --profile P` as a script would read it."""
        r = self.daemon.cli("--json", "env", "--container", "--profile", profile, check=True)
        return json.loads(r.stdout)

    def ns_env(self, plan, **override):
        """A container's environment: only what ssocred printed (minus unsets)."""
        env = {"PATH": os.environ["PATH"], "HOME": "/nonexistent",
               "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
               "AWS_EC2_METADATA_DISABLED": "true"}
        env.update(plan["set"])
        for k, v in override.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def botocore_in(self, ns, env):
        r = ns.run([sys.executable, "-c", BOTOCORE], env)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def probe_in(self, ns, env):
        r = ns.run([sys.executable, "-c", PROBE], env)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)["status"]

    def bridge_port(self):
        st = self.daemon.control("GET", "/v1/status")[1]
        ports = [h["port"] for h in st["http"] if h["address"] == HOST]
        self.assertEqual(len(ports), 1, st["http"])
        return ports[0]

    def issued_for(self, role_name):
        return {c["access_key_id"] for c in self.emu.issued()["role_credentials"]
                if c["role_name"] == role_name and c["account_id"] == "111111111111"}

    def test_env_container_prints_the_bridge_uri_and_a_mountable_token_file(self):
        plan = self.container_env("ro")
        uri = plan["set"]["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        self.assertEqual(uri, f"http://{HOST}:{self.bridge_port()}/v1/profiles/ro/credentials")
        token_file = plan["set"]["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]
        self.assertNotIn("AWS_CONTAINER_AUTHORIZATION_TOKEN", plan["set"])
        self.assertIn("AWS_CONTAINER_AUTHORIZATION_TOKEN", plan["unset"])
        # The token has a directory of its own, and that directory is what to mount: the
        # daemon's rotation renames a new file into it, which a single-file bind mount
        # (pinned to the old inode) would never show.
        self.assertEqual(plan["mount"], {"source": os.path.dirname(token_file),
                                         "target": os.path.dirname(token_file),
                                         "read_only": True})
        self.assertEqual(os.listdir(plan["mount"]["source"]), ["token"])
        with open(token_file) as f:
            value = f.read()
        self.assertFalse(value.endswith("\n"))
        # Scoped to the profile's role: the token list says so.
        tokens = json.loads(self.daemon.cli("--json", "tokens", check=True).stdout)["tokens"]
        mine = [t for t in tokens if t["id"] == plan["token_id"]]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["role"]["role_name"], "ReadOnlyAccess")
        self.assertEqual(mine[0]["token_file"], token_file)

    def test_botocore_in_the_namespace_gets_the_scoped_roles_credentials(self):
        plan = self.container_env("ro")
        got = self.botocore_in(self.inside, self.ns_env(plan))
        self.assertEqual(got.get("method"), "container-role", got)
        self.assertIn(got["access_key"], self.issued_for("ReadOnlyAccess"))
        # The shell form of the same command works too, evaluated by sh in the namespace.
        sh = self.daemon.cli("env", "--container", "--profile", "ro", "--shell", "sh",
                             check=True).stdout
        r = self.inside.run(["sh", "-c", 'eval "$1" && exec "$2" -c "$3"', "sh", sh,
                             sys.executable, BOTOCORE], self.ns_env({"set": {}}))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(json.loads(r.stdout)["access_key"], self.issued_for("ReadOnlyAccess"))
        self.assert_no_secrets_in_log()

    def test_refused_without_a_token(self):
        plan = self.container_env("ro")
        env = self.ns_env(plan, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=None)
        self.assertEqual(self.probe_in(self.inside, env), 401)
        self.assertIn("error", self.botocore_in(self.inside, env))

    def test_refused_with_another_roles_token(self):
        ro = self.container_env("ro")
        stg = self.container_env("stg")
        env = self.ns_env(ro, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=stg["set"][
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"])
        self.assertEqual(self.probe_in(self.inside, env), 403)
        self.assertIn("error", self.botocore_in(self.inside, env))
        # …while stg's own URI with its token works: the refusal is about the role.
        got = self.botocore_in(self.inside, self.ns_env(stg))
        self.assertIn(got.get("access_key"),
                      {c["access_key_id"] for c in self.emu.issued()["role_credentials"]
                       if c["role_name"] == "DeployAccess"})

    def test_revoked_token_is_refused(self):
        plan = self.container_env("ro")
        self.assertEqual(self.probe_in(self.inside, self.ns_env(plan)), 200)
        with open(plan["set"]["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]) as f:
            value = f.read()  # a copy a container might have kept
        self.daemon.cli("tokens", "revoke", plan["token_id"], check=True)
        self.assertFalse(os.path.exists(plan["mount"]["source"]))  # its directory goes too
        env = self.ns_env(plan, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=None,
                          AWS_CONTAINER_AUTHORIZATION_TOKEN=value)
        self.assertEqual(self.probe_in(self.inside, env), 401)
        self.assertIn("error", self.botocore_in(self.inside, env))

    def test_client_outside_the_allowed_range_is_refused(self):
        plan = self.container_env("ro")
        env = self.ns_env(plan)
        # Same URI, same valid token: only the source address differs.
        self.assertEqual(self.probe_in(self.inside, env), 200)
        status = self.probe_in(self.outside, env)
        self.assertIn(status, (403, None))  # refused by the daemon, however it does it
        self.assertIn("error", self.botocore_in(self.outside, env))


class ContainerEnvWithoutBridgeListener(DaemonTestCase):
    """A daemon on loopback only: `env --container` says what is missing and mints nothing."""

    def test_env_container_fails_without_minting_a_token(self):
        r = self.daemon.cli("env", "--container", "--profile", "ro")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertIn("container-setup", r.stderr)  # the next step is named
        tokens = json.loads(self.daemon.cli("--json", "tokens", check=True).stdout)["tokens"]
        self.assertEqual(tokens, [])
        # Host use is unaffected.
        self.assertEqual(self.daemon.cli("env", "--profile", "ro").returncode, 0)


@unittest.skipIf(SKIP_REASON, f"network namespaces unavailable: {SKIP_REASON}")
class ContainerSetup(unittest.TestCase):
    """`ssocred container-setup` on a dummy bridge in a throwaway namespace."""

    def setUp(self):
        self.ns = f"{PREFIX}{PID}c"
        ip("netns", "add", self.ns)
        self.addCleanup(ip, "netns", "del", self.ns, check=False)
        ip("link", "add", "br0", "type", "bridge", ns=self.ns)
        ip("addr", "add", "172.30.0.1/24", "dev", "br0", ns=self.ns)
        ip("link", "set", "br0", "up", ns=self.ns)
        self.env = {"PATH": os.environ["PATH"], "HOME": "/nonexistent", "NO_COLOR": "1",
                    **SANITIZER_ENV}

    def setup_cmd(self, *args, user=None):
        argv = [SSOCRED, "container-setup", "--bridge", "br0", *args]
        if user:
            argv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *argv]

        return subprocess.run(["ip", "netns", "exec", self.ns, *argv], env=self.env,
                              capture_output=True, text=True, timeout=60)

    def addresses(self):
        out = ip("-j", "-4", "addr", "show", "dev", "br0", ns=self.ns).stdout
        return sorted((a["local"], a["prefixlen"]) for link in json.loads(out or "[]")
                      for a in link.get("addr_info", []))

    def test_add_is_idempotent_and_undo_removes(self):
        r = self.setup_cmd()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.addresses(), [("169.254.170.2", 32), ("172.30.0.1", 24)])
        # The subnet to allow is worked out from the bridge.
        self.assertIn("--allow-cidr 172.30.0.0/24", r.stdout)

        r = self.setup_cmd()  # second run: nothing changes, still success
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.addresses(), [("169.254.170.2", 32), ("172.30.0.1", 24)])

        r = self.setup_cmd("--undo")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.addresses(), [("172.30.0.1", 24)])
        r = self.setup_cmd("--undo")  # undoing twice is fine too
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.addresses(), [("172.30.0.1", 24)])

    def test_undo_leaves_an_address_it_did_not_add(self):
        ip("addr", "add", "169.254.170.2/16", "dev", "br0", ns=self.ns)
        before = self.addresses()
        self.assertEqual(self.setup_cmd().returncode, 0)
        self.assertEqual(self.setup_cmd("--undo").returncode, 0)
        self.assertEqual(self.addresses(), before)

    def test_unknown_bridge_fails(self):
        r = subprocess.run(["ip", "netns", "exec", self.ns, SSOCRED, "container-setup",
                            "--bridge", "nosuchbr"], env=self.env, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(self.addresses(), [("172.30.0.1", 24)])

    @unittest.skipIf(shutil.which("setpriv") is None, "setpriv (util-linux) is not installed")
    def test_non_root_is_refused_and_changes_nothing(self):
        r = self.setup_cmd(user=65534)  # nobody/nogroup
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(self.addresses(), [("172.30.0.1", 24)])
        self.assertEqual(self.setup_cmd().returncode, 0)
        r = self.setup_cmd("--undo", user=65534)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(self.addresses(), [("169.254.170.2", 32), ("172.30.0.1", 24)])


if __name__ == "__main__":
    unittest.main()
