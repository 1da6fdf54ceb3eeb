"""Hostile local clients: another user, a browser, and abusive connections.

- Another local user (`nobody`, via setpriv) gets nothing: not the control socket (the
  directory and socket modes stop it, and with those loosened the daemon's SO_PEERCRED
  check still does), not the endpoint token (file mode 0600), not the state files, not
  IMDS (peer uid check), and not the container endpoint without the token.
- Requests a browser would send (foreign Host, Origin, Referer, Sec-Fetch-Site) are
  refused on every path.
- Oversized headers get 431 and the connection closed; pipelined garbage gets 400 and a
  close after the valid requests before it are answered; a half-closed connection still
  gets its answer, or is closed if the request was cut short; a slowloris connection is
  closed by the header timeout; 10,000 idle connections neither stop a fresh client from
  being served nor make the daemon's memory grow beyond a few KiB per connection - also
  when the daemon was started with a soft RLIMIT_NOFILE of 1024 (it raises it).
No secret ever appears in what the hostile side receives.
"""
import json
import os
import re
import resource
import socket
import stat
import subprocess
import sys
import time
import unittest

from daemon_harness import Daemon
from itest import PROFILES, DaemonTestCase
from ssocred_testlib import wait_until

HEADER_TIMEOUT = 10  # ServerLimits::header_timeout
IDLE_CONNECTIONS = 10_000
SHARED_TCP_BUDGET = 8192  # ServerOptions::max_other_uid_connections


def run_as_nobody(code, timeout=60):
    """Runs python code as user nobody; returns its stdout parsed as JSON."""
    r = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                        sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=timeout, cwd="/")
    if r.returncode != 0:
        raise AssertionError(f"probe as nobody failed ({r.returncode}): {r.stderr[-2000:]}")
    return json.loads(r.stdout)


NOBODY_PROBE = r'''
import http.client, json, os, socket
cfg = json.loads(%r)
out = {}

def get(method, path, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", cfg["port"], timeout=10)
    try:
        c.request(method, path, headers=dict({"Host": "127.0.0.1:%%d" %% cfg["port"]}, **(headers or {})))
        r = c.getresponse()
        return [r.status, r.read().decode("latin-1")]
    except Exception as e:
        return ["error", type(e).__name__]
    finally:
        c.close()

def unix(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    try:
        s.connect(path)
        s.sendall(b"GET /v1/endpoint HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        return ["connected", data.decode("latin-1")]
    except OSError as e:
        return ["error", e.errno]
    finally:
        s.close()

def read(path):
    try:
        with open(path, "rb") as f:
            return ["read", f.read().decode("latin-1")]
    except OSError as e:
        return ["error", e.errno]

out["control"] = unix(cfg["socket"])
out["token_file"] = read(cfg["token_file"])
out["state_files"] = [read(p) for p in cfg["state_files"]]
out["container_no_token"] = get("GET", "/v1/credentials")
out["container_guess"] = get("GET", "/v1/credentials", {"Authorization": "0" * 43})
out["imds_token"] = get("PUT", "/latest/api/token", {"X-aws-ec2-metadata-token-ttl-seconds": "60"})
out["imds_v1"] = get("GET", "/latest/meta-data/iam/security-credentials/")
print(json.dumps(out))
'''


def read_until_close(sock, limit=1 << 20):
    data = b""
    while len(data) < limit:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
    return data


def status_codes(raw):
    """Status codes of the responses in `raw`, in order. A response's status line follows
    the previous body directly (bodies end without CRLF), so it is searched anywhere."""
    return [int(m.group(1)) for m in re.finditer(rb"HTTP/1\.1 (\d{3}) ", raw)]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def open_files_soft_limit(pid):
    with open(f"/proc/{pid}/limits") as f:
        for line in f:
            if line.startswith("Max open files"):
                return int(line.split()[3])
    raise AssertionError("no limit line")


class OtherLocalUser(DaemonTestCase):
    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to run a probe as user nobody")
        super().setUp()

    def secrets(self):
        issued = self.emu.issued()
        out = {self.token}
        for c in issued["role_credentials"]:
            out |= {c["secret_access_key"], c["session_token"]}
        out |= {t["refresh_token"] for t in issued["refresh_tokens"]}
        out |= {t["access_token"] for t in issued["access_tokens"]}
        return out

    def probe(self):
        info = self.daemon.endpoint_info()
        state_files = []
        for root, _, files in os.walk(self.daemon.state_dir):
            state_files += [os.path.join(root, f) for f in files]
        cfg = {"port": self.port, "socket": self.daemon.socket, "token_file": info["token_file"],
               "state_files": state_files}
        out = run_as_nobody(NOBODY_PROBE % json.dumps(cfg))
        text = json.dumps(out)
        for s in self.secrets():
            self.assertNotIn(s, text, "a secret reached another local user")
        return out, info, state_files

    def assert_nothing_over_http(self, out):
        self.assertIn(out["container_no_token"][0], (401, 403), out["container_no_token"])
        self.assertIn(out["container_guess"][0], (401, 403), out["container_guess"])
        self.assertEqual(out["imds_token"][0], 403, out["imds_token"])
        self.assertIn(out["imds_v1"][0], (401, 403), out["imds_v1"])

    def test_nobody_gets_nothing_with_the_modes_as_created(self):
        out, info, state_files = self.probe()
        self.assertEqual(out["control"][0], "error", "nobody could connect to the control socket")
        self.assertEqual(out["token_file"][0], "error")
        self.assertTrue(state_files)
        self.assertTrue(all(r[0] == "error" for r in out["state_files"]))
        self.assert_nothing_over_http(out)
        # The modes themselves: 0600 files, 0700 directories, 0600 socket.
        for path in [info["token_file"], *state_files]:
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode) & 0o077, 0, path)
        for d in (os.path.dirname(self.daemon.socket), self.daemon.state_dir):
            self.assertEqual(stat.S_IMODE(os.stat(d).st_mode) & 0o077, 0, d)
        self.assertEqual(stat.S_IMODE(os.stat(self.daemon.socket).st_mode) & 0o077, 0)

    def test_nobody_is_refused_by_the_daemon_when_modes_are_loosened(self):
        # Defence in depth: even with every directory traversable and the socket and files
        # world-accessible (a careless chmod), the daemon's own checks refuse nobody.
        info = self.daemon.endpoint_info()
        paths = [self.daemon.tmp, self.daemon.runtime, os.path.dirname(self.daemon.socket)]
        for p in paths:
            os.chmod(p, 0o711)
        os.chmod(self.daemon.socket, 0o666)
        out, _, _ = self.probe()
        self.assertEqual(out["control"][0], "connected")
        codes = status_codes(out["control"][1].encode("latin-1"))
        self.assertEqual(len(codes), 1, out["control"])
        self.assertEqual(codes[0], 403, "the control socket served another uid")
        self.assertNotIn(info["token"], out["control"][1])
        self.assert_nothing_over_http(out)


class BrowserRequests(DaemonTestCase):
    PATHS = [("GET", "/v1/credentials", True), ("GET", "/latest/meta-data/iam/info", False),
             ("PUT", "/latest/api/token", False)]
    HOSTILE = [{"Host": "evil.example"}, {"Host": "127.0.0.1.nip.io"},
               {"Origin": "https://evil.example"}, {"Origin": "null"},
               {"Referer": "https://evil.example/page"}, {"Sec-Fetch-Site": "cross-site"},
               {"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Site": "same-site"}]

    def test_every_path_refuses_browser_shaped_requests(self):
        for method, path, needs_token in self.PATHS:
            for h in self.HOSTILE:
                headers = dict(h)
                if path == "/latest/api/token":
                    headers["X-aws-ec2-metadata-token-ttl-seconds"] = "60"
                with self.subTest(path=path, headers=h):
                    status, hdrs, body = self.get(path, self.token if needs_token else None,
                                                  headers, method=method)
                    self.assertEqual(status, 403)
                    self.assertFalse(any(k.lower().startswith("access-control") for k in hdrs))
                    self.assertNotIn(b"SecretAccessKey", body)


class AbusiveConnections(DaemonTestCase):
    def connect(self, timeout=15):
        s = socket.create_connection((self.host, self.port), timeout=timeout)
        self.addCleanup(s.close)
        return s

    def request_bytes(self, path="/v1/credentials", extra=""):
        return (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                f"Authorization: {self.token}\r\n{extra}\r\n").encode()

    def assert_responsive(self):
        status, _, body = self.get("/v1/credentials", self.token)
        self.assertEqual(status, 200, body)

    def test_oversized_headers_431_and_closed(self):
        for size in (16 * 1024, 1024 * 1024):
            with self.subTest(size=size):
                s = self.connect()
                try:
                    s.sendall(self.request_bytes(extra=f"X-Big: {'a' * size}\r\n"))
                except (BrokenPipeError, ConnectionResetError):
                    pass  # closed while we were still sending: also fine
                data = read_until_close(s)
                codes = status_codes(data)
                self.assertIn(codes, ([431], [400], []))
                if size == 16 * 1024:
                    self.assertEqual(codes, [431])
                self.assertNotIn(b"SecretAccessKey", data)
        # Many header lines, each small.
        s = self.connect()
        s.sendall(self.request_bytes(extra="".join(f"X-H{i}: v\r\n" for i in range(2000))))
        self.assertEqual(status_codes(read_until_close(s)), [431])
        self.assert_responsive()

    def test_pipelined_garbage_after_valid_requests(self):
        s = self.connect()
        s.sendall(self.request_bytes() + self.request_bytes() + b"\x00\xffNOT HTTP AT ALL\r\n\r\n" * 50)
        data = read_until_close(s)
        codes = status_codes(data)
        self.assertEqual(codes[:2], [200, 200], codes)
        self.assertIn(codes[2:], ([400], []), "garbage must end the connection")
        # Pure garbage, binary and huge.
        s = self.connect()
        try:
            s.sendall(os.urandom(256 * 1024))
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.assertIn(status_codes(read_until_close(s)), ([400], [431], []))
        self.assert_responsive()

    def test_half_closed_connections(self):
        # A complete request, then SHUT_WR: the answer still comes, then the close.
        s = self.connect()
        s.sendall(self.request_bytes())
        s.shutdown(socket.SHUT_WR)
        self.assertEqual(status_codes(read_until_close(s)), [200])
        # Half a request, then SHUT_WR: closed without an answer or with 400, no hang.
        s = self.connect()
        s.sendall(self.request_bytes()[:20])
        s.shutdown(socket.SHUT_WR)
        self.assertIn(status_codes(read_until_close(s)), ([], [400]))
        # Many of each at once.
        socks = []
        for i in range(200):
            c = self.connect()
            c.sendall(self.request_bytes()[: 10 + i % 40])
            c.shutdown(socket.SHUT_WR)
            socks.append(c)
        self.assert_responsive()
        for c in socks:
            self.assertIn(status_codes(read_until_close(c)), ([], [400]))
        self.assert_responsive()

    def test_slowloris_is_cut_by_the_header_timeout(self):
        s = self.connect(timeout=HEADER_TIMEOUT * 3)
        req = self.request_bytes()
        started = time.monotonic()
        closed_at = None
        for i in range(len(req) - 2):  # never completes the request
            try:
                s.sendall(req[i:i + 1])
            except (BrokenPipeError, ConnectionResetError):
                closed_at = time.monotonic()
                break
            if i % 5 == 0:
                self.assert_responsive()  # others are served meanwhile
            time.sleep(0.5)
            if time.monotonic() - started > HEADER_TIMEOUT * 3:
                break
        if closed_at is None:
            s.settimeout(HEADER_TIMEOUT * 2)
            data = read_until_close(s)
            closed_at = time.monotonic()
            self.assertIn(status_codes(data), ([], [408], [400]))
        self.assertLess(closed_at - started, HEADER_TIMEOUT * 2.5,
                        "a request trickling in was not cut by the header timeout")
        self.assert_responsive()


class IdleConnectionFlood(unittest.TestCase):
    """10,000 idle sockets against a daemon started with a soft RLIMIT_NOFILE of 1024."""

    def setUp(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        need = IDLE_CONNECTIONS + 512
        if hard != resource.RLIM_INFINITY and hard < need:
            self.skipTest(f"the hard RLIMIT_NOFILE ({hard}) is below {need}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, need), hard))
        self.addCleanup(resource.setrlimit, resource.RLIMIT_NOFILE, (soft, hard))
        from ssocred_testlib import Emulator
        self.emu = Emulator("--approve-after", "0", "--device-interval", "0").start()
        self.addCleanup(self.emu.stop)
        self.daemon_limit_hard = min(hard, 65536) if hard != resource.RLIM_INFINITY else 65536
        self.daemon = Daemon(self.emu.url, config_profiles=PROFILES,
                             wrapper=["prlimit", f"--nofile=1024:{self.daemon_limit_hard}", "--"])
        self.addCleanup(self.daemon.close)
        self.daemon.start(timeout=60)
        self.daemon.login()
        self.daemon.cli("use", "dev", check=True)
        self.host, self.port = self.daemon.http_endpoint()
        self.token = self.daemon.endpoint_info()["token"]

    def daemon_pid(self):
        # The wrapper (prlimit) execs the daemon: same pid.
        return self.daemon.proc.pid

    def fresh_request(self):
        import http.client
        c = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            c.request("GET", "/v1/credentials",
                      headers={"Host": f"127.0.0.1:{self.port}", "Authorization": self.token})
            r = c.getresponse()
            return r.status, r.read()
        finally:
            c.close()

    def test_ten_thousand_idle_sockets(self):
        pid = self.daemon_pid()
        self.assertGreater(open_files_soft_limit(pid), IDLE_CONNECTIONS,
                           "the daemon did not raise its soft RLIMIT_NOFILE")
        self.assertEqual(self.fresh_request()[0], 200)
        # A build that cannot tell our own user's sockets from others' (the portable one)
        # admits only the shared part of the budget; past it, every new TCP client is
        # refused with 503 and the control socket still answers (docs/endpoints.md).
        owner_known = self.daemon.platform()["tcp_peer_owner"] != "none"
        idle = IDLE_CONNECTIONS if owner_known else SHARED_TCP_BUDGET
        before = rss_kib(pid)
        socks = []
        try:
            for i in range(idle):
                s = socket.socket()
                s.settimeout(10)
                s.connect((self.host, self.port))
                socks.append(s)
                if i % 1000 == 999:
                    self.assertEqual(self.fresh_request()[0], 200, f"after {i + 1} idle sockets")
            if owner_known:
                # Every idle socket is accepted (none refused), and the daemon still answers.
                status, body = self.fresh_request()
                self.assertEqual(status, 200, body)
            else:
                wait_until(lambda: self.fresh_request()[0] == 503, timeout=30,
                           what="a client past the shared budget to be refused")
                status, _ = self.daemon.control("GET", "/v1/status")
                self.assertEqual(status, 200)
            wait_until(lambda: self.open_fds(pid) >= idle, timeout=30,
                       what="the daemon to accept every connection")
            grown = rss_kib(pid) - before
            print(f"\n  RSS {before} KiB -> +{grown} KiB for {idle} idle sockets "
                  f"({grown * 1024 // idle} B each)", file=sys.stderr)
            # A few KiB per idle connection (socket object, small buffer, timer); sanitizer
            # builds pad allocations, hence the generous bound.
            self.assertLess(grown * 1024 / idle, 32 * 1024)
        finally:
            for s in socks:
                s.close()
        # Closing them all leaves the daemon serving.
        self.assertEqual(self.fresh_request()[0], 200)

    @staticmethod
    def open_fds(pid):
        return len(os.listdir(f"/proc/{pid}/fd"))


if __name__ == "__main__":
    unittest.main()
