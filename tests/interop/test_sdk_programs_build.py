"""The interop SDK client programs install, build and keep their contract (tests/interop/js,
tests/interop/go; the contract is in tests/interop/js/README.md).

The JavaScript client runs from the npm ci'd tree (scripts/install-deps.sh test); the Go client
is built here from a clean state into a temporary directory with build.sh, offline. Both are
then run against a stub container-credentials endpoint on loopback, so this file proves the
programs themselves — flags, exit codes, the JSON lines, expiry judgement, no secret printed —
without the daemon (the daemon-backed matrix is in the other tests of this directory).
"""
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
JS_DIR = os.path.join(HERE, "js")
GO_DIR = os.path.join(HERE, "go")
CONTRACT_KEYS = {"access_key_id", "expiration", "expired_at_use", "caller_arn", "error", "sdk_version"}
ENDPOINT_TOKEN = "interop-stub-endpoint-token-0123456789"


def rfc3339(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


class StubContainerEndpoint:
    """A container-credentials endpoint that answers with fresh keys on every request and
    checks the Authorization header; expires_in sets the Expiration it sends."""

    def __init__(self, expires_in=3600):
        self.expires_in = expires_in
        self.issued = []  # (access key id, secret, session token, expiration string)
        self.unauthorized = 0
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.headers.get("Authorization") != ENDPOINT_TOKEN:
                    stub.unauthorized += 1
                    body = json.dumps({"code": "Unauthorized", "message": "bad token",
                                       "Code": "Unauthorized", "Message": "bad token"}).encode()
                    self.send_response(401)
                else:
                    n = len(stub.issued)
                    creds = (f"ASIASTUBKEY{n:09d}", f"stub-secret-{n}-abcdefghijklmnop",
                             f"stub-session-token-{n}-qrstuvwxyz", rfc3339(time.time() + stub.expires_in))
                    stub.issued.append(creds)
                    body = json.dumps({"AccessKeyId": creds[0], "SecretAccessKey": creds[1],
                                       "Token": creds[2], "Expiration": creds[3],
                                       "AccountId": "111111111111"}).encode()
                    self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1/credentials"

    def secrets(self):
        return [ENDPOINT_TOKEN] + [s for c in self.issued for s in (c[1], c[2])]


class ProgramContract:
    """The checks both programs must pass; subclasses say how to run one."""
    container_provider = None  # the provider name that reads AWS_CONTAINER_CREDENTIALS_FULL_URI

    def command(self):
        raise NotImplementedError

    def run_program(self, *args, env=None, timeout=120):
        base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.home}
        base.update(env or {})
        return subprocess.run([*self.command(), *args], env=base, capture_output=True, text=True,
                              timeout=timeout)

    def setUp(self):
        # An empty HOME: no ~/.aws of the machine reaches the SDKs.
        self.home = tempfile.mkdtemp(prefix="ssocred-interop-home-")
        self.addCleanup(shutil.rmtree, self.home, ignore_errors=True)

    def lines(self, result):
        out = [json.loads(line) for line in result.stdout.splitlines()]
        for line in out:
            self.assertEqual(set(line), CONTRACT_KEYS, line)
            self.assertEqual(line["sdk_version"], self.sdk_version)
        return out

    def endpoint_env(self, stub):
        return {"AWS_CONTAINER_CREDENTIALS_FULL_URI": stub.url,
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": ENDPOINT_TOKEN}

    def assert_no_secrets(self, result, stub):
        for secret in stub.secrets():
            self.assertNotIn(secret, result.stdout)
            self.assertNotIn(secret, result.stderr)

    def test_help_prints_usage_and_exits_0(self):
        r = self.run_program("--help")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("--provider", r.stdout)
        self.assertIn("--sts-endpoint", r.stdout)

    def test_usage_errors_exit_2_with_nothing_on_stdout(self):
        for args in (["--bogus"], [], ["--provider"], ["--provider", "nosuch"],
                     ["--provider", "chain", "--duration", "5"],
                     ["--provider", "chain", "--duration", "5", "--interval", "0"],
                     ["--provider", "chain", "--sts-endpoint", "not a url"],
                     ["--provider", "chain", "stray"]):
            with self.subTest(args=args):
                r = self.run_program(*args)
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertEqual(r.stdout, "")
                self.assertIn("usage:", r.stderr)

    def test_no_endpoint_configured_is_one_error_line_and_exit_1(self):
        # IMDS disabled too, so a CI machine's real instance metadata cannot answer.
        r = self.run_program("--provider", self.container_provider, env={"AWS_EC2_METADATA_DISABLED": "true"})
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        [line] = self.lines(r)
        self.assertIsNone(line["access_key_id"])
        self.assertIsInstance(line["error"], str)
        self.assertNotEqual(line["error"], "")

    def test_credentials_from_the_container_endpoint(self):
        with StubContainerEndpoint() as stub:
            r = self.run_program("--provider", self.container_provider, env=self.endpoint_env(stub))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        [line] = self.lines(r)
        self.assertIsNone(line["error"])
        self.assertEqual(line["access_key_id"], stub.issued[-1][0])
        # The endpoint's expiration, as the SDK parsed it.
        self.assertEqual(line["expiration"], stub.issued[-1][3])
        self.assertFalse(line["expired_at_use"])
        self.assertIsNone(line["caller_arn"])
        self.assert_no_secrets(r, stub)

    def test_wrong_endpoint_token_is_an_error_line_without_the_token(self):
        with StubContainerEndpoint() as stub:
            env = self.endpoint_env(stub)
            env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "not-the-endpoint-token-but-secret"
            r = self.run_program("--provider", self.container_provider, env=env)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertGreater(stub.unauthorized, 0)
        [line] = self.lines(r)
        self.assertIsNone(line["access_key_id"])
        self.assertIsInstance(line["error"], str)
        self.assertNotIn("not-the-endpoint-token-but-secret", r.stdout + r.stderr)

    def test_already_expired_credentials_are_reported_as_expired_at_use(self):
        with StubContainerEndpoint(expires_in=-120) as stub:
            r = self.run_program("--provider", self.container_provider, env=self.endpoint_env(stub))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        [line] = self.lines(r)
        self.assertIsNone(line["error"])
        self.assertEqual(line["access_key_id"], stub.issued[-1][0])
        self.assertEqual(line["expiration"], stub.issued[-1][3])
        self.assertTrue(line["expired_at_use"])
        self.assert_no_secrets(r, stub)

    def test_long_running_mode_prints_one_line_per_interval_from_one_cached_provider(self):
        with StubContainerEndpoint() as stub:
            r = self.run_program("--provider", self.container_provider, "--duration", "2",
                                 "--interval", "1", env=self.endpoint_env(stub))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = self.lines(r)
        self.assertEqual(len(lines), 3)  # at 0, 1 and 2 seconds
        for line in lines:
            self.assertIsNone(line["error"])
            self.assertFalse(line["expired_at_use"])
        # One hour of lifetime: the SDK's cache serves every round from the first answer.
        self.assertEqual(len(stub.issued), 1)
        self.assertEqual({line["access_key_id"] for line in lines}, {stub.issued[0][0]})
        self.assert_no_secrets(r, stub)


class JavaScriptClientTest(ProgramContract, unittest.TestCase):
    container_provider = "http"  # fromHttp; fromContainerMetadata accepts only localhost/127.0.0.1

    @classmethod
    def setUpClass(cls):
        pkg = os.path.join(JS_DIR, "node_modules", "@aws-sdk", "credential-providers", "package.json")
        if not os.path.exists(pkg):
            raise AssertionError(f"{JS_DIR}/node_modules is missing: run scripts/install-deps.sh test "
                                 "(npm ci in tests/interop/js)")
        with open(os.path.join(JS_DIR, "package.json")) as f:
            pinned = json.load(f)["dependencies"]
        with open(pkg) as f:
            cls.sdk_version = json.load(f)["version"]
        # npm ci installed exactly what package.json pins.
        if pinned["@aws-sdk/credential-providers"] != cls.sdk_version:
            raise AssertionError(f"installed {cls.sdk_version}, pinned {pinned}: run npm ci in {JS_DIR}")

    def command(self):
        return ["node", os.path.join(JS_DIR, "client.mjs")]

    def test_every_contract_provider_is_supported(self):
        for provider in ("chain", "container", "http", "imds", "process"):
            with self.subTest(provider=provider):
                # Nothing configured: each provider fails on its own terms, none is "unsupported".
                r = self.run_program("--provider", provider,
                                     env={"AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:9"})
                self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
                [line] = self.lines(r)
                self.assertFalse(line["error"].startswith("unsupported"), line)

    def test_from_container_metadata_reads_the_full_uri_on_127_0_0_1(self):
        with StubContainerEndpoint() as stub:
            r = self.run_program("--provider", "container", env=self.endpoint_env(stub))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        [line] = self.lines(r)
        self.assertEqual(line["access_key_id"], stub.issued[-1][0])
        self.assert_no_secrets(r, stub)


class GoClientTest(ProgramContract, unittest.TestCase):
    container_provider = "container"

    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(prefix="ssocred-interop-go-")
        try:
            before = sorted(os.listdir(GO_DIR))
            r = subprocess.run([os.path.join(GO_DIR, "build.sh"), cls.out], capture_output=True,
                               text=True, timeout=540, stdin=subprocess.DEVNULL)
            if r.returncode != 0:
                raise AssertionError(f"build.sh failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
            # The build writes only under OUTDIR: the source tree stays clean.
            if sorted(os.listdir(GO_DIR)) != before:
                raise AssertionError(f"build.sh changed {GO_DIR}: {sorted(os.listdir(GO_DIR))}")
            cls.binary = os.path.join(cls.out, "ssocred-interop-go")
            # The Debian SDK's aws.SDKVersion, as the program must report it.
            with open("/usr/share/gocode/src/github.com/aws/aws-sdk-go-v2/aws/go_module_metadata.go") as f:
                cls.sdk_version = f.read().split('goModuleVersion = "', 1)[1].split('"', 1)[0]
        except BaseException:
            shutil.rmtree(cls.out, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out, ignore_errors=True)

    def command(self):
        return [self.binary]

    def test_build_produced_an_executable(self):
        self.assertTrue(os.access(self.binary, os.X_OK))

    def test_http_provider_is_unsupported_exit_3(self):
        r = self.run_program("--provider", "http")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        [line] = self.lines(r)
        self.assertTrue(line["error"].startswith("unsupported: "), line)
        self.assertIsNone(line["access_key_id"])

    def test_provider_the_chain_did_not_pick_is_an_error(self):
        # The container environment makes the default chain pick the container provider, so
        # asking for imds must fail rather than pass with another provider's credentials.
        with StubContainerEndpoint() as stub:
            r = self.run_program("--provider", "imds", env=self.endpoint_env(stub))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        [line] = self.lines(r)
        self.assertIn("CredentialsEndpointProvider", line["error"])
        self.assert_no_secrets(r, stub)


if __name__ == "__main__":
    unittest.main()
