"""Process-level harness: the real ssocredd and ssocred against ssocred-emulator.

Everything lives in a temporary directory (HOME, the AWS config, the state dir, the
control socket), every port is ephemeral, and every process started is stopped when the
harness closes, even when a test fails.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

SSOCREDD = os.environ.get("SSOCREDD", "ssocredd")
SSOCRED = os.environ.get("SSOCRED", "ssocred")
# Opt-in: run every daemon under a wrapper, e.g. scripts/valgrind.sh sets
# SSOCRED_DAEMON_WRAPPER="valgrind --error-exitcode=99 --leak-check=full ...". With valgrind,
# each daemon's report goes to <tmp>/valgrind.<pid>.log and stopping the daemon fails the
# test if memcheck reported any error (see Daemon.stop).
DAEMON_WRAPPER = os.environ.get("SSOCRED_DAEMON_WRAPPER", "").split()
# The sanitizer settings of the run reach every process under test, whose environment is
# otherwise built from scratch: scripts/test.sh points their reports (a race, a leak at
# exit) at a directory it checks afterwards, since such a report changes nothing a test sees.
SANITIZER_ENV = {k: v for k, v in os.environ.items()
                 if k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS", "LSAN_OPTIONS")}


class UnixHTTPConnection(http.client.HTTPConnection):
    """http.client over a unix socket, as `curl --unix-socket` does."""

    def __init__(self, path, timeout=30):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        try:
            s.connect(self._path)
        except OSError:
            s.close()
            raise
        self.sock = s


def http_request(host, port, method, path, headers=None, body=None, timeout=10):
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


# What each OS layer can prove about the owner of a TCP connection (ssocred/peer_identity.hpp).
TCP_PEER_OWNER = {"linux": "any_user", "macos": "own_user", "generic": "none"}


def build_platform():
    """The OS layer this build uses, for tests that start no daemon: {"os_layer", "journal",
    "tcp_peer_owner"}, as GET /v1/status "platform" reports it (cmake/Dependencies.cmake
    writes ssocred-platform.json into the build directory). Tests of a Linux facility ask
    this, or Daemon.platform(), and then check the portable behaviour instead."""
    path = os.path.join(os.environ.get("SSOCRED_BIN_DIR", ""), "ssocred-platform.json")
    with open(path) as f:
        info = json.load(f)
    info["tcp_peer_owner"] = TCP_PEER_OWNER[info["os_layer"]]
    return info


def write_aws_config(path, emulator_url, sessions=None, profiles=None):
    """Writes an AWS shared config. sessions: {name: {start_url, region}};
    profiles: {name: {sso_session, sso_account_id, sso_role_name, region}}."""
    sessions = sessions or {"demo": {"sso_start_url": "https://d-0000000000.awsapps.com/start",
                                     "sso_region": "us-east-1",
                                     "sso_registration_scopes": "sso:account:access"}}
    profiles = profiles or {}
    lines = []
    for name, keys in sessions.items():
        lines.append(f"[sso-session {name}]")
        lines += [f"{k} = {v}" for k, v in keys.items()]
        lines.append("")
    for name, keys in profiles.items():
        lines.append("[default]" if name == "default" else f"[profile {name}]")
        lines += [f"{k} = {v}" for k, v in keys.items()]
        lines.append("")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines))


class Daemon:
    """A running ssocredd in its own temporary HOME."""

    def __init__(self, emulator_url, tmpdir=None, extra_args=(), env=None, config_profiles=None,
                 config_sessions=None, listen="127.0.0.1:0", wrapper=None):
        self.tmp = tmpdir or tempfile.mkdtemp(prefix="ssocred-test-")
        self.home = os.path.join(self.tmp, "home")
        self.state_dir = os.path.join(self.tmp, "state")
        self.runtime = os.path.join(self.tmp, "run")
        os.makedirs(self.home, exist_ok=True)
        os.makedirs(self.runtime, mode=0o700, exist_ok=True)
        self.socket = os.path.join(self.runtime, "ssocred", "ssocredd.sock")
        self.config_file = os.path.join(self.home, ".aws", "config")
        self.emulator_url = emulator_url
        if not os.path.exists(self.config_file):
            write_aws_config(self.config_file, emulator_url, config_sessions, config_profiles)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.home,
            "XDG_RUNTIME_DIR": self.runtime,
            "XDG_STATE_HOME": os.path.join(self.tmp, "xdg-state"),
            "AWS_CONFIG_FILE": self.config_file,
            "AWS_ENDPOINT_URL_SSO_OIDC": emulator_url,
            "AWS_ENDPOINT_URL_SSO": emulator_url,
            "SSOCRED_SOCKET": self.socket,
            "NO_COLOR": "1",
            "SSOCRED_AUTOSTART": "0",  # tests start their daemons themselves
            **SANITIZER_ENV,
        }
        if env:
            self.env.update(env)
        self.args = [SSOCREDD, "--socket", self.socket, "--state-dir", self.state_dir,
                     "--log-level", "debug", *extra_args]
        if listen:
            self.args += ["--listen", listen]
        # wrapper: argv prefix for this daemon (e.g. ["prlimit", "--nofile=1024:20000"]);
        # the SSOCRED_DAEMON_WRAPPER one, if any, goes outermost.
        self.wrapper = list(wrapper or [])
        self.valgrind = bool(DAEMON_WRAPPER) and "valgrind" in os.path.basename(DAEMON_WRAPPER[0])
        outer = list(DAEMON_WRAPPER)
        if self.valgrind:
            outer.append("--log-file=" + os.path.join(self.tmp, "valgrind.%p.log"))
        self.args = outer + self.wrapper + self.args
        self.proc = None
        self.log_path = os.path.join(self.tmp, "ssocredd.log")
        self._log = None

    # -- lifecycle ---------------------------------------------------------
    def start(self, timeout=15):
        if DAEMON_WRAPPER:
            timeout *= 4  # valgrind starts slowly
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.args, env=self.env, stdout=self._log, stderr=self._log,
                                     stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"ssocredd exited with {self.proc.returncode}:\n{self.log()}")
            try:
                status, _ = self.control("GET", "/healthz", raw=True)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"ssocredd did not become healthy:\n{self.log()}")

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._log:
            self._log.close()
            self._log = None
        if self.valgrind:
            self.check_valgrind_reports()
        return self.proc.returncode if self.proc else None

    def check_valgrind_reports(self):
        """Raises AssertionError if any memcheck report of this daemon shows an error or a
        definite/indirect leak. Reports of killed (kill -9) runs have no summary: skipped."""
        import glob
        import re
        bad = []
        for path in sorted(glob.glob(os.path.join(self.tmp, "valgrind.*.log"))):
            with open(path, errors="replace") as f:
                text = f.read()
            m = re.search(r"ERROR SUMMARY: (\d+) errors", text)
            if m and int(m.group(1)) > 0:
                bad.append((path, text))
            os.rename(path, path + ".checked")
        if bad:
            raise AssertionError("valgrind memcheck reported errors:\n" +
                                 "\n".join(f"--- {p}\n{t[-20000:]}" for p, t in bad))

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self._log:
            self._log.close()
            self._log = None

    def close(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def log(self):
        try:
            with open(self.log_path, "r", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    # -- control socket ----------------------------------------------------
    def control(self, method, path, body=None, raw=False, timeout=30):
        conn = UnixHTTPConnection(self.socket, timeout=timeout)
        try:
            data = None if body is None else json.dumps(body)
            headers = {"Content-Type": "application/json"} if body is not None else {}
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            payload = resp.read()
            if raw:
                return resp.status, payload
            return resp.status, (json.loads(payload) if payload else None)
        finally:
            conn.close()

    def http_endpoint(self):
        status, st = self.control("GET", "/v1/status")
        assert status == 200, st
        ep = st["http"][0]
        return ep["address"], ep["port"]

    def platform(self):
        """GET /v1/status "platform": the OS layer and what it can prove (docs/control-api.md)."""
        status, st = self.control("GET", "/v1/status")
        assert status == 200, st
        return st["platform"]

    def serves_imds(self):
        """False when the build cannot tell who owns a TCP connection (the portable build):
        the metadata endpoint then answers every client 403 (docs/endpoints.md)."""
        return self.platform()["tcp_peer_owner"] != "none"

    def endpoint_info(self):
        status, info = self.control("GET", "/v1/endpoint")
        assert status == 200, info
        return info

    # -- CLI ---------------------------------------------------------------
    def cli(self, *args, input=None, env=None, timeout=60, check=False):
        e = dict(self.env)
        if env:
            e.update(env)
        r = subprocess.run([SSOCRED, *args], env=e, input=input, capture_output=True, text=True,
                           timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError(f"ssocred {' '.join(args)} -> {r.returncode}\n{r.stdout}\n{r.stderr}")
        return r

    def login(self, session=None, timeout=60):
        """Device-code login through the CLI; the emulator approves automatically."""
        args = ["login", "--use-device-code", "--no-browser"]
        if session:
            args += ["--sso-session", session]
        return self.cli(*args, timeout=timeout, check=True)


# -- fault-injection helpers (tests/integration/test_faults*.py, test_crash_loop.py) ----
import calendar  # noqa: E402  (kept with the helpers that use it)
import threading  # noqa: E402


def parse_expiration(text):
    """"2026-11-23T13:29:28Z" (the container endpoint's Expiration) -> epoch seconds."""
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


class TcpForwarder:
    """A loopback TCP forwarder in front of an upstream (the emulator) that can stop
    listening, so clients get "connection refused", and listen again on the same port.

    fwd = TcpForwarder(("127.0.0.1", 4242)).start(); fwd.url; fwd.refuse(); fwd.accept()
    fwd.close() stops it (also closes every forwarded connection)."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.port = None
        self._listener = None
        self._lock = threading.Lock()
        self._conns = []
        self._closed = False

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self._listen()
        return self

    def _listen(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port or 0))
        s.listen(64)
        self.port = s.getsockname()[1]
        with self._lock:
            self._listener = s
        threading.Thread(target=self._accept_loop, args=(s,), daemon=True).start()

    def refuse(self):
        """Stops listening: new connections are refused by the kernel (RST)."""
        with self._lock:
            s, self._listener = self._listener, None
        if s:
            s.shutdown(socket.SHUT_RDWR)
            s.close()

    def accept(self):
        """Listens again on the same port."""
        if self._listener is None:
            self._listen()

    def close(self):
        self._closed = True
        self.refuse()
        with self._lock:
            conns, self._conns = self._conns, []
        for c in conns:
            try:
                c.close()
            except OSError:
                pass

    def _accept_loop(self, listener):
        while not self._closed:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed
            try:
                up = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                client.close()
                continue
            up.settimeout(None)
            with self._lock:
                self._conns += [client, up]
            for a, b in ((client, up), (up, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
