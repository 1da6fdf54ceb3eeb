"""Upstream faults while renewing role credentials (GetRoleCredentials), plus connection
refused, DNS failure and clock skew.

For every fault kind the emulator can inject (and for a refused connection and an
unresolvable endpoint) one scenario runs against its own emulator and daemon:

  1. log in, select a role; role credentials live ROLE_TTL s, so the daemon tries to renew
     them ~10 s after they were issued and they expire ~24 s after;
  2. the fault is switched on (it lasts until cleared);
  3. until the credentials expire, every request gets the SAME cached credentials (never an
     error while they are valid), each answer unexpired; after the expiration only 503s
     (expired credentials are never served); `ssocred status --json` reports the role's
     error all along;
  4. upstream calls during the fault are bounded by the backoff schedule (1 s doubling,
     jittered down to half), however many requests arrive (the test sends ~2 per second);
  5. the fault is cleared: fresh credentials are served within one backoff period and the
     status error is gone.

The scenarios run in parallel threads (each has its own processes) so the module takes
about one scenario's time. The daemon gets SSOCRED_UPSTREAM_TIMEOUT=2 so that the "delay"
fault (an answer slower than the client's timeout) costs seconds, not minutes.
"""
import concurrent.futures
import contextlib
import json
import signal
import time
import traceback
import unittest

from daemon_harness import Daemon, TcpForwarder, http_request, parse_expiration
from itest import PROFILES
from ssocred_testlib import Emulator, wait_until

ROLE_TTL = 24
UPSTREAM_TIMEOUT = 2
EMULATOR_ARGS = ("--approve-after", "0", "--device-interval", "0")
KINDS = ("status500", "status429", "delay", "reset", "malformed_json", "truncated",
         "wrong_content_type")
# Scheduling slack for the time bounds (busy CI machine, sanitizer builds).
SLACK = 6.0


def max_calls_within(window, initial=1.0):
    """The most attempts a capped doubling backoff (delays jittered down to half of
    initial·2^k) can make in `window` seconds, counting the first one."""
    calls, elapsed, k = 1, 0.0, 0
    while True:
        elapsed += initial * (2 ** k) / 2
        if elapsed > window:
            return calls
        calls += 1
        k += 1


def backoff_period(failures, initial=1.0):
    """The longest wait after `failures` consecutive failures (no jitter)."""
    return initial * (2 ** max(failures - 1, 0))


class Scenario:
    """One emulator + one logged-in daemon, with helpers; close() stops everything."""

    def __init__(self, emulator_args=(), daemon_env=None, config_profiles=PROFILES,
                 forwarder=False, endpoint_in_config=False):
        self.stack = contextlib.ExitStack()
        try:
            self.emu = Emulator(*EMULATOR_ARGS, *emulator_args)
            self.emu.start()
            self.stack.callback(self.emu.stop)
            upstream = self.emu.url
            self.fwd = None
            if forwarder:
                self.fwd = TcpForwarder(self.emu.host_port).start()
                self.stack.callback(self.fwd.close)
                upstream = self.fwd.url
            env = {"SSOCRED_UPSTREAM_TIMEOUT": str(UPSTREAM_TIMEOUT)}
            env.update(daemon_env or {})
            profiles = config_profiles
            if endpoint_in_config:
                # The endpoint comes from the config (profile endpoint_url), so a SIGHUP can
                # point the daemon elsewhere.
                profiles = {n: dict(p, endpoint_url=upstream) for n, p in config_profiles.items()}
            self.daemon = Daemon(upstream, env=env, config_profiles=profiles)
            if endpoint_in_config:
                for k in ("AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC"):
                    self.daemon.env.pop(k)
            self.profiles = profiles
            self.stack.callback(self.daemon.close)
            self.daemon.start(timeout=60)  # seven daemons start at once on a busy CI box
            self.host, self.port = self.daemon.http_endpoint()
            self.token = self.daemon.endpoint_info()["token"]
        except BaseException:
            self.stack.close()
            raise

    def close(self):
        self.stack.close()

    def login_and_use(self, profile="dev"):
        self.daemon.login()
        self.daemon.cli("use", profile, check=True)

    def credentials(self):
        """(status, parsed body or None, time the request was sent)."""
        sent = time.time()
        status, _, body = http_request(self.host, self.port, "GET", "/v1/credentials",
                                       headers={"Host": f"127.0.0.1:{self.port}",
                                                "Authorization": self.token}, timeout=30)
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        return status, parsed, sent

    def status(self):
        r = self.daemon.cli("status", "--json", check=False)
        assert r.returncode == 0, f"ssocred status failed: {r.returncode} {r.stderr}"
        return json.loads(r.stdout)

    def active_role_status(self):
        return next(r for r in self.status()["roles"] if r["active"])

    def session_status(self, name="demo"):
        return next(s for s in self.status()["sessions"] if s["name"] == name)

    def point_config_at(self, url):
        """Rewrites the endpoint in ~/.aws/config and makes the daemon re-read it."""
        from daemon_harness import write_aws_config
        profiles = {n: dict(p, endpoint_url=url) for n, p in self.profiles.items()}
        write_aws_config(self.daemon.config_file, url, None, profiles)
        self.daemon.proc.send_signal(signal.SIGHUP)


def run_role_fault(kind, fault_op="GetRoleCredentials"):
    """The scenario of the module docstring for one fault kind; raises AssertionError.

    fault_op="CreateToken": the fault hits the token renewal instead, and every access
    token is expired upstream when it starts, so each role renewal gets a 401, forces one
    token renewal (which fails) and fails in turn: the same guarantees must hold, and the
    upstream calls of both operations stay bounded by the role's backoff."""
    sc = Scenario(emulator_args=("--role-ttl", str(ROLE_TTL)), forwarder=(kind == "refused"),
                  endpoint_in_config=(kind == "dns"))
    try:
        sc.login_and_use()
        status, first, _ = sc.credentials()
        assert status == 200, f"no credentials before the fault: {status}"
        key0, exp0 = first["AccessKeyId"], parse_expiration(first["Expiration"])
        issued0 = sc.emu.count(fault_op)

        # -- the fault ---------------------------------------------------------------
        if kind == "refused":
            sc.fwd.refuse()
        elif kind == "dns":
            sc.point_config_at(f"http://ssocred-upstream.invalid:{sc.emu.host_port[1]}")
        elif kind == "delay":
            sc.emu.fault(fault_op, "delay", count=-1, delay_ms=(UPSTREAM_TIMEOUT + 2) * 1000)
        else:
            sc.emu.fault(fault_op, kind, count=-1)
        if fault_op == "CreateToken":
            sc.emu.expire_access_tokens()
        fault_on = time.time()

        served, refused, saw_error_in_status = 0, 0, False
        deadline = exp0 + 3
        while time.time() < deadline:
            status, body, sent = sc.credentials()
            if status == 200:
                assert body["AccessKeyId"] == key0, \
                    f"{kind}: other credentials served during the fault"
                # Expiration has whole seconds: the real instant is within 1 s after it.
                assert parse_expiration(body["Expiration"]) + 1 > sent, \
                    f"{kind}: expired credentials served"
                served += 1
            else:
                assert status == 503, f"{kind}: unexpected status {status}"
                assert sent + 1 >= exp0, f"{kind}: valid cached credentials were not served"
                assert body is None or key0 not in json.dumps(body)
                refused += 1
            if not saw_error_in_status and status == 200:
                saw_error_in_status = sc.active_role_status()["last_error"] is not None
            time.sleep(0.4)
        assert served >= 10, f"{kind}: cached credentials were served only {served} times"
        # After the expiration: an error, never the expired credentials.
        status, body, _ = sc.credentials()
        assert status == 503, f"{kind}: {status} after the credentials expired"
        role = sc.active_role_status()
        assert role["last_error"] is not None, f"{kind}: status does not report the failure"
        assert saw_error_in_status, f"{kind}: status did not report the failing renewal " \
                                    "while the cached credentials were still served"
        window = time.time() - fault_on

        # -- bounded upstream calls ----------------------------------------------------
        calls = sc.emu.count(fault_op) - issued0
        if kind in ("refused", "dns"):
            # The emulator never sees these attempts; how many there were is bounded by the
            # same engine backoff the other kinds measure. Failures so far, for the period:
            failures = max_calls_within(window)
        else:
            bound = max_calls_within(window)
            assert 1 <= calls <= bound, \
                f"{kind}: {calls} {fault_op} calls in {window:.0f} s (bound {bound})"
            failures = calls

        # -- recovery ------------------------------------------------------------------
        if kind == "refused":
            sc.fwd.accept()
        elif kind == "dns":
            sc.point_config_at(sc.emu.url)
        else:
            sc.emu.clear_faults()
        cleared = time.time()
        # A call in flight when the fault cleared may still fail: one more doubling.
        limit = backoff_period(failures + 1) + UPSTREAM_TIMEOUT + SLACK
        before = sc.emu.count("GetRoleCredentials")

        def fresh():
            st, b, _ = sc.credentials()
            return b if st == 200 and b["AccessKeyId"] != key0 else None

        renewed = wait_until(fresh, timeout=limit, interval=0.3,
                             what=f"{kind}: recovery within one backoff period ({limit:.0f} s)")
        took = time.time() - cleared
        assert parse_expiration(renewed["Expiration"]) > time.time()
        assert sc.emu.count("GetRoleCredentials") - before <= 2, f"{kind}: a burst on recovery"
        wait_until(lambda: sc.active_role_status()["last_error"] is None, timeout=5,
                   what=f"{kind}: the status error to clear")
        assert sc.session_status()["state"] == "logged_in"
        return {"kind": kind, "served": served, "errors": refused, "calls": calls,
                "window": round(window), "recovered_after": round(took, 1)}
    finally:
        sc.close()


def run_clock_skew(offsets=(-(ROLE_TTL + 60), 600)):
    """The emulator's clock is off (behind by more than a credential's lifetime, then
    ahead): the daemon measures the skew from the Date header, reports it in status, and
    serves credentials whose Expiration is converted to our clock: never expired, never
    longer than the real lifetime, renewed on schedule (no storm)."""
    sc = Scenario(emulator_args=("--role-ttl", str(ROLE_TTL)))
    try:
        sc.login_and_use()
        assert sc.credentials()[0] == 200
        out = {}
        for offset in offsets:
            sc.emu.set_clock_offset(offset)
            before = sc.emu.count("GetRoleCredentials")
            started = time.time()
            keys = set()
            # Two renewals under the skew (each ~10-12 s after the previous one).
            while len(keys) < 3 and time.time() < started + 3 * ROLE_TTL:
                status, body, sent = sc.credentials()
                assert status == 200, f"offset {offset}: {status} while upstream works"
                left = parse_expiration(body["Expiration"]) - sent
                assert left > -1, f"offset {offset}: expired credentials served"
                assert left <= ROLE_TTL + 2, f"offset {offset}: expiration not converted ({left} s)"
                keys.add(body["AccessKeyId"])
                time.sleep(0.4)
            assert len(keys) >= 3, f"offset {offset}: credentials not renewed under skew"
            skew = sc.session_status()["clock_skew_seconds"]
            assert abs(skew - offset) <= 3, f"status reports skew {skew}, emulator is {offset}"
            assert sc.active_role_status()["last_error"] is None
            window = time.time() - started
            calls = sc.emu.count("GetRoleCredentials") - before
            bound = window / (ROLE_TTL * 5 / 12 - ROLE_TTL / 12) + 2
            assert calls <= bound, f"offset {offset}: {calls} calls in {window:.0f} s"
            out[offset] = {"calls": calls, "window": round(window), "skew": skew}
        return out
    finally:
        sc.close()


def run_parallel(named_scenarios):
    """{name: callable} -> {name: (result, formatted exception or None)}"""
    out = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(named_scenarios)) as pool:
        futures = {pool.submit(fn): name for name, fn in named_scenarios.items()}
        for f in concurrent.futures.as_completed(futures):
            name = futures[f]
            try:
                out[name] = (f.result(), None)
            except BaseException:  # reported per scenario below
                out[name] = (None, traceback.format_exc())
    return out


def check_all(testcase, scenarios):
    """Runs {name: callable} in parallel; one subTest per scenario with its failure."""
    results = run_parallel(scenarios)
    for name in scenarios:
        with testcase.subTest(fault=name):
            result, error = results[name]
            if error:
                testcase.fail(f"scenario {name} failed:\n{error}")
            print(f"  {name}: {result}", flush=True)


class RoleCredentialFaults(unittest.TestCase):
    def test_every_fault_kind_on_get_role_credentials(self):
        check_all(self, {k: (lambda k=k: run_role_fault(k)) for k in KINDS})

if __name__ == "__main__":
    unittest.main()
