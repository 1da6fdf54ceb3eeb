"""Shared helpers for ssocred's process-level tests (Python unittest, no pytest).

Sections:
  1. Generic helpers: temp dirs, Process (start/stop a child with captured output).
  2. Emulator: the ssocred-emulator binary as a context manager, plus its admin API.
  (Daemon/client helpers go in their own section below; keep sections self-contained.)

Every process started here is stopped by stop()/__exit__, even when a test fails, and
every port is ephemeral.
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

# ---------------------------------------------------------------------------------------
# 1. Generic helpers
# ---------------------------------------------------------------------------------------


def free_tmpdir(prefix="ssocred-test-"):
    """A fresh private (0700) temporary directory. The caller removes it (shutil.rmtree)
    or uses it via a TestCase.addCleanup."""
    path = tempfile.mkdtemp(prefix=prefix)
    os.chmod(path, 0o700)
    return path


def wait_until(predicate, timeout=10.0, interval=0.05, what="condition"):
    """Polls predicate() until it returns a truthy value, which is returned.
    Raises TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class Process:
    """A child process whose stdout/stderr go to files in a temp dir.

    p = Process([binary, args...], env={...}, name="emulator")
    p.start(); ...; p.stop()   # SIGTERM, wait `timeout`, then SIGKILL
    Also a context manager. p.stdout_text()/p.stderr_text() read what it printed so far.
    """

    def __init__(self, argv, env=None, name=None, cwd=None, tmpdir=None, inherit_env=True):
        self.argv = [str(a) for a in argv]
        self.name = name or os.path.basename(self.argv[0])
        self.cwd = cwd
        self._own_tmpdir = tmpdir is None
        self.tmpdir = tmpdir or free_tmpdir(prefix=f"ssocred-{self.name}-")
        self.env = dict(os.environ) if inherit_env else {}
        if env:
            self.env.update({k: str(v) for k, v in env.items() if v is not None})
            for k, v in env.items():
                if v is None:
                    self.env.pop(k, None)
        self.stdout_path = os.path.join(self.tmpdir, f"{self.name}.stdout")
        self.stderr_path = os.path.join(self.tmpdir, f"{self.name}.stderr")
        self.proc = None
        self.returncode = None

    def start(self):
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            # A new session: a test's Ctrl-C does not hit the child twice, and stop() can
            # signal exactly this process.
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=err, env=self.env, cwd=self.cwd,
                                         start_new_session=True)
        return self

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stdout_text(self):
        return _read_text(self.stdout_path)

    def stderr_text(self):
        return _read_text(self.stderr_path)

    def wait_for_line(self, prefix, timeout=10.0, stream="stdout"):
        """The first line of stdout (or stderr) starting with `prefix`; raises if the
        process exits first or the timeout passes."""
        reader = self.stdout_text if stream == "stdout" else self.stderr_text

        def find():
            for line in reader().splitlines():
                if line.startswith(prefix):
                    return line
            if not self.running():
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} before "
                                   f"printing {prefix!r}; stderr:\n{self.stderr_text()}")
            return None

        return wait_until(find, timeout=timeout, what=f"{self.name} to print {prefix!r}")

    def send_signal(self, signum):
        if self.running():
            self.proc.send_signal(signum)

    def stop(self, timeout=10.0, sig=signal.SIGTERM):
        """Stops the process: `sig`, up to `timeout` s to exit, then SIGKILL. Returns the
        exit code. Safe to call more than once and if start() failed."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        self.returncode = self.proc.returncode
        return self.returncode

    def cleanup(self):
        """stop() and remove the temp dir if this object created it."""
        self.stop()
        if self._own_tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


def _read_text(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


# ---------------------------------------------------------------------------------------
# 2. Emulator (ssocred-emulator; admin API in docs/emulator.md)
# ---------------------------------------------------------------------------------------

EMULATOR = os.environ.get("SSOCRED_EMULATOR", "ssocred-emulator")

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
# The built-in directory (no --config): account id -> roles, in listing order.
DEFAULT_ACCOUNTS = {
    "111111111111": ["AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess",
                     "DeveloperAccess"],
    "222222222222": ["PowerUserAccess", "ReadOnlyAccess", "DeployAccess"],
    "333333333333": ["ReadOnlyAccess", "BillingAccess"],
}


class AdminError(Exception):
    def __init__(self, status, body):
        super().__init__(f"admin call failed: HTTP {status}: {body}")
        self.status = status
        self.body = body


class Emulator:
    """ssocred-emulator as a context manager.

    with Emulator("--approve-after", "1") as emu:
        emu.url                       # "http://127.0.0.1:PORT" (https with TLS)
        emu.admin("POST", "/__admin/approve", {})
        emu.counters()["operations"]["CreateToken"]

    args: extra command-line flags. binary: defaults to $SSOCRED_EMULATOR.
    ca_file: CA bundle used by admin() when the emulator serves TLS.
    """

    def __init__(self, *args, binary=None, env=None, tmpdir=None, ca_file=None,
                 start_timeout=20.0):
        self.args = [str(a) for a in args]
        self.binary = binary or EMULATOR
        self.ca_file = ca_file
        self.start_timeout = start_timeout
        self.process = Process([self.binary, *self.args], env=env, name="emulator",
                               tmpdir=tmpdir)
        self.url = None

    # -- lifecycle ------------------------------------------------------------------------
    def start(self):
        try:
            self.process.start()
            line = self.process.wait_for_line("listening on ", timeout=self.start_timeout)
            first = self.process.stdout_text().splitlines()[0]
            if first != line:
                raise RuntimeError(f"first stdout line is not the URL: {first!r}")
            self.url = line[len("listening on "):].strip()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout=10.0):
        """Stops the emulator (SIGTERM, then SIGKILL); returns its exit code."""
        return self.process.stop(timeout=timeout)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    @property
    def host_port(self):
        rest = self.url.split("://", 1)[1]
        host, port = rest.rsplit(":", 1)
        return host.strip("[]"), int(port)

    def endpoint_env(self):
        """Env vars pointing AWS SDKs at the emulator."""
        return {"AWS_ENDPOINT_URL_SSO_OIDC": self.url, "AWS_ENDPOINT_URL_SSO": self.url}

    # -- raw HTTP -------------------------------------------------------------------------
    def request(self, method, path, body=None, headers=None, timeout=10.0):
        """Any request to the emulator. body: dict (sent as JSON), str/bytes, or None.
        Returns (status, headers dict with lower-case names, body bytes); never raises
        for HTTP error statuses and never follows redirects."""
        data = body
        hdrs = dict(headers or {})
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            data = body.encode()
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=hdrs)
        opener = urllib.request.build_opener(_NoRedirect, *self._https_handlers())
        try:
            with opener.open(req, timeout=timeout) as resp:
                return resp.status, _lower(resp.headers), resp.read()
        except urllib.error.HTTPError as e:
            return e.code, _lower(e.headers), e.read()

    def _https_handlers(self):
        if not self.url.startswith("https"):
            return []
        import ssl
        ctx = ssl.create_default_context(cafile=self.ca_file) if self.ca_file else \
            ssl._create_unverified_context()  # test tool talking to its own child
        return [urllib.request.HTTPSHandler(context=ctx)]

    # -- admin API ------------------------------------------------------------------------
    def admin(self, method, path, body=None):
        """Calls the admin API; `path` with or without the /__admin/ prefix. Returns the
        decoded JSON (or None for an empty body); raises AdminError on a non-2xx."""
        if not path.startswith("/__admin/"):
            path = "/__admin/" + path.lstrip("/")
        if body is None and method in ("POST", "PUT"):
            body = {}
        status, _, raw = self.request(method, path, body)
        if status // 100 != 2:
            raise AdminError(status, raw.decode("utf-8", "replace"))
        return json.loads(raw) if raw else None

    def counters(self):
        """{"operations": {op: n}, "create_token_grants": {grant: n}, "total", "admin",
        "faults_injected", "unknown"}"""
        return self.admin("GET", "counters")

    def count(self, operation):
        return self.counters()["operations"].get(operation, 0)

    def reset_counters(self):
        return self.admin("POST", "counters/reset")

    def approve(self, user_code=None):
        """Approves pending device codes (all, or one); returns how many."""
        body = {"user_code": user_code} if user_code else {}
        return self.admin("POST", "approve", body)["approved"]

    def deny(self, deny=True):
        return self.admin("POST", "deny", {"deny": deny})

    def revoke(self, refresh_tokens=True, access_tokens=True):
        return self.admin("POST", "revoke", {"refresh_tokens": refresh_tokens,
                                             "access_tokens": access_tokens})

    def shift_clock(self, seconds):
        """Moves emulator time by `seconds` (cumulative); returns the clock state."""
        return self.admin("POST", "clock", {"shift_seconds": seconds})

    def set_clock_offset(self, seconds):
        return self.admin("POST", "clock", {"offset_seconds": seconds})

    def expire_access_tokens(self):
        return self.admin("POST", "expire", {"access_tokens": True})

    def settings(self, **changes):
        """Reads (no arguments) or changes run-time settings: access_token_ttl, role_ttl,
        approve_after, device_interval, page_size, device_code_ttl, auth_code_ttl,
        registration_ttl, deny."""
        if not changes:
            return self.admin("GET", "settings")
        return self.admin("POST", "settings", changes)

    def fault(self, operation, kind, count=1, delay_ms=None):
        """Makes the next `count` calls of `operation` ("*" = any; -1 = until cleared)
        misbehave. kind: status500, status429, delay, reset, malformed_json, truncated,
        wrong_content_type."""
        body = {"operation": operation, "kind": kind, "count": count}
        if delay_ms is not None:
            body["delay_ms"] = delay_ms
        return self.admin("POST", "fault", body)

    def clear_faults(self):
        return self.admin("DELETE", "faults")

    def issued(self):
        """Everything issued, WITH secrets: role_credentials, access_tokens,
        latest_access_token, refresh_tokens, clients, device_codes."""
        return self.admin("GET", "issued")

    def state(self):
        return self.admin("GET", "state")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _lower(headers):
    return {k.lower(): v for k, v in headers.items()}


def make_tls_files(directory, hosts=("127.0.0.1", "localhost")):
    """Writes a throwaway CA and a server certificate for `hosts` (IP SANs for IPs) with the
    openssl CLI. Returns dict(ca=, cert=, key=) paths."""
    ca_key = os.path.join(directory, "ca.key")
    ca = os.path.join(directory, "ca.pem")
    key = os.path.join(directory, "server.key")
    csr = os.path.join(directory, "server.csr")
    cert = os.path.join(directory, "server.pem")
    ext = os.path.join(directory, "server.ext")
    sans = ",".join((f"IP:{h}" if h.replace(".", "").isdigit() or ":" in h else f"DNS:{h}")
                    for h in hosts)
    with open(ext, "w") as f:
        f.write(f"subjectAltName={sans}\nbasicConstraints=CA:FALSE\n"
                "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")

    def run(*cmd):
        subprocess.run(["openssl", *cmd], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)

    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=ssocred test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=keyCertSign,cRLSign")
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key, "-out", csr, "-subj", "/CN=ssocred-emulator")
    run("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
        "-out", cert, "-days", "2", "-extfile", ext)
    return {"ca": ca, "cert": cert, "key": key}


# ---------------------------------------------------------------------------------------
# 3. Daemon / client helpers (to be added by their owners)
# ---------------------------------------------------------------------------------------
