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
                 config_sessions=None, listen="127.0.0.1:0"):
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
        }
        if env:
            self.env.update(env)
        self.args = [SSOCREDD, "--socket", self.socket, "--state-dir", self.state_dir,
                     "--log-level", "debug", *extra_args]
        if listen:
            self.args += ["--listen", listen]
        self.proc = None
        self.log_path = os.path.join(self.tmp, "ssocredd.log")
        self._log = None

    # -- lifecycle ---------------------------------------------------------
    def start(self, timeout=15):
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
        return self.proc.returncode if self.proc else None

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self._log:
            self._log.close()
            self._log = None

    def close(self):
        self.stop()
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
