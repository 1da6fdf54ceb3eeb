"""Upstream faults on the SSO token renewal (CreateToken, refresh_token grant).

Proactive renewal: access tokens live ACCESS_TTL s, so the daemon renews ~16-20 s after a
login. With a fault of each kind switched on, until two renewals have failed:
  - the role credentials cached before keep being served (same key, never expired);
  - the session stays `logged_in` (a transient fault is no reason to ask for a login) and
    `ssocred status --json` shows its last_error;
  - renewal attempts are bounded by the session backoff (10 s doubling, jittered to half);
then the fault is cleared and a renewal succeeds within one backoff period, clearing the
status error. The emulator keeps a rotated refresh token usable for REUSE_GRACE s (as IdPs
with a reuse interval do); with strict single-use rotation, a renewal the server processed
but whose answer was lost ends in a clean `login_required`; that, and a dead access token
with a failing renewal, are in test_faults_token_lost.
"""
import time
import unittest

from test_faults_roles import (KINDS, SLACK, UPSTREAM_TIMEOUT, Scenario, backoff_period,
                               check_all, max_calls_within)
from ssocred_testlib import wait_until

ACCESS_TTL = 40
# A rotated refresh token stays usable this long (an IdP "reuse interval"): a renewal the
# server processed but whose answer was lost (delay past our timeout, truncated body) can
# be repeated with the same refresh token.
REUSE_GRACE = 120
# Fault kinds where the emulator processes the request before the answer goes wrong.
PROCESSED_KINDS = ("delay", "truncated")
SESSION_BACKOFF = 10.0  # sso::Backoff's base


def refresh_grants(emu):
    return emu.counters()["create_token_grants"]["refresh_token"]


def run_token_fault(kind, reuse_grace=REUSE_GRACE):
    sc = Scenario(emulator_args=("--access-token-ttl", str(ACCESS_TTL)))
    try:
        sc.emu.settings(refresh_reuse_grace=reuse_grace)
        sc.login_and_use()
        status, first, _ = sc.credentials()
        assert status == 200
        key0 = first["AccessKeyId"]
        expires0 = sc.session_status()["access_token_expires_at"]
        grants0 = refresh_grants(sc.emu)
        if kind == "delay":
            sc.emu.fault("CreateToken", "delay", count=-1, delay_ms=(UPSTREAM_TIMEOUT + 2) * 1000)
        else:
            sc.emu.fault("CreateToken", kind, count=-1)
        fault_on = time.time()
        saw_error = False
        deadline = fault_on + 90
        while sc.emu.counters()["faults_injected"] < 2:
            assert time.time() < deadline, f"{kind}: the daemon did not retry the renewal"
            status, body, sent = sc.credentials()
            assert status == 200, f"{kind}: {status} while cached credentials are valid"
            assert body["AccessKeyId"] == key0
            st = sc.session_status()
            assert st["state"] == "logged_in", f"{kind}: session state {st['state']}"
            saw_error = saw_error or st["last_error"] is not None
            time.sleep(0.5)
        st = sc.session_status()
        assert st["state"] == "logged_in"
        assert saw_error or st["last_error"] is not None, f"{kind}: no error in status"
        window = time.time() - fault_on
        grants = refresh_grants(sc.emu) - grants0
        # The first renewal came at its scheduled time, inside the window.
        bound = max_calls_within(window, initial=SESSION_BACKOFF)
        assert 2 <= grants <= bound, f"{kind}: {grants} renewals in {window:.0f} s (bound {bound})"

        sc.emu.clear_faults()
        failures = sc.emu.counters()["faults_injected"]
        if reuse_grace == 0 and kind in PROCESSED_KINDS:
            return strict_rotation_outcome(sc, kind, key0, failures)
        limit = SESSION_BACKOFF * backoff_period(failures + 1) + UPSTREAM_TIMEOUT + SLACK
        cleared = time.time()

        def renewed():
            s = sc.session_status()
            return s["last_error"] is None and s["access_token_expires_at"] != expires0 and s
        st = wait_until(renewed, timeout=limit, interval=0.5,
                        what=f"{kind}: a renewal within one backoff period ({limit:.0f} s)")
        assert st["state"] == "logged_in"
        status, body, _ = sc.credentials()
        assert status == 200 and body["AccessKeyId"] == key0
        return {"kind": kind, "renewals": grants, "window": round(window),
                "recovered_after": round(time.time() - cleared, 1)}
    finally:
        sc.close()


def strict_rotation_outcome(sc, kind, key0, failures):
    """The known limit (docs/security.md): the emulator processed a renewal whose answer
    never arrived (timed out or cut short), so with strict rotation the refresh token the
    daemon holds is spent. The only honest outcome is a clean `login_required`, while the
    cached role credentials are still served."""
    limit = SESSION_BACKOFF * backoff_period(failures + 1) + UPSTREAM_TIMEOUT + SLACK
    st = wait_until(lambda: (lambda s: s["state"] != "logged_in" and s)(sc.session_status()),
                    timeout=limit, interval=0.5, what=f"{kind}: login_required (strict rotation)")
    assert st["state"] == "login_required", st["state"]
    assert "refresh" in st["last_error"]["message"].lower()
    status, body, _ = sc.credentials()
    assert status == 200 and body["AccessKeyId"] == key0, "cached credentials dropped"
    grants = refresh_grants(sc.emu)
    time.sleep(3)
    assert refresh_grants(sc.emu) == grants, "renewals went on after the token was refused"
    # A new login brings the session back.
    sc.daemon.login()
    assert sc.session_status()["state"] == "logged_in"
    return {"kind": kind, "strict_rotation": "login_required, then a new login"}


class TokenRenewalFaults(unittest.TestCase):
    def test_every_fault_kind_on_the_token_renewal(self):
        check_all(self, {k: (lambda k=k: run_token_fault(k)) for k in KINDS})


if __name__ == "__main__":
    unittest.main()
