"""Upstream faults on the calls a person triggers: the account listing (ListAccounts,
ListAccountRoles behind `ssocred list`) and the login's RegisterClient and
StartDeviceAuthorization.

Listing, for each fault kind and each of the two operations:
  - `ssocred list` keeps answering from the daemon's cached listing (no upstream call);
  - `ssocred list --refresh` fails with exit 1 and a message (no hang, no crash), costing
    at most one call of the faulted operation per attempt (no retry storm);
  - the role credentials keep being served, the session stays `logged_in` in
    `ssocred status --json`;
  - once the fault is cleared the next `--refresh` succeeds at once (a person's request
    is not held back by a backoff).
Login: RegisterClient / StartDeviceAuthorization failing makes `ssocred login` fail with
exit 1; `ssocred status --json` shows the session `logged_out` with the error; at most
one call per attempt; after the fault a login succeeds.
"""
import json
import unittest

from test_faults_roles import KINDS, UPSTREAM_TIMEOUT, Scenario, check_all

LIST_ATTEMPTS = 3


def list_json(sc, *extra):
    r = sc.daemon.cli("list", "--json", *extra, timeout=120)
    return r.returncode, (json.loads(r.stdout) if r.returncode == 0 else None), r.stderr


def run_listing_fault(op, kind):
    sc = Scenario()
    try:
        sc.login_and_use()
        status, first, _ = sc.credentials()
        assert status == 200
        key0 = first["AccessKeyId"]
        rc, listing, err = list_json(sc)
        assert rc == 0, err
        calls0 = sc.emu.count(op)
        sc.emu.fault(op, kind, count=-1, delay_ms=(UPSTREAM_TIMEOUT + 2) * 1000 if kind == "delay" else None)

        rc, cached, err = list_json(sc)
        assert rc == 0 and cached == listing, f"{op}/{kind}: the cached listing was not served"
        assert sc.emu.count(op) == calls0, f"{op}/{kind}: a cached listing went upstream"
        for _ in range(LIST_ATTEMPTS):
            rc, _, err = list_json(sc, "--refresh")
            assert rc == 1, f"{op}/{kind}: list --refresh exited {rc} during the fault"
            assert err.strip(), f"{op}/{kind}: no error message"
        calls = sc.emu.count(op) - calls0
        assert 1 <= calls <= LIST_ATTEMPTS, f"{op}/{kind}: {calls} calls for {LIST_ATTEMPTS} attempts"
        status, body, _ = sc.credentials()
        assert status == 200 and body["AccessKeyId"] == key0
        assert sc.session_status()["state"] == "logged_in"

        sc.emu.clear_faults()
        rc, fresh, err = list_json(sc, "--refresh")
        assert rc == 0, f"{op}/{kind}: no recovery after the fault: {err}"
        assert fresh["accounts"] == listing["accounts"]
        return {"op": op, "kind": kind, "calls": calls}
    finally:
        sc.close()


def run_login_fault(op, kind):
    sc = Scenario()
    try:
        sc.emu.fault(op, kind, count=-1, delay_ms=(UPSTREAM_TIMEOUT + 2) * 1000 if kind == "delay" else None)
        for _ in range(2):
            r = sc.daemon.cli("login", "--use-device-code", "--no-browser", timeout=120)
            assert r.returncode == 1, f"{op}/{kind}: login exited {r.returncode}"
            assert r.stderr.strip()
        calls = sc.emu.count(op)
        assert 1 <= calls <= 2, f"{op}/{kind}: {calls} calls for 2 login attempts"
        st = sc.session_status()
        assert st["state"] == "logged_out", st["state"]
        assert st["last_error"] is not None, f"{op}/{kind}: status does not show the failure"
        sc.emu.clear_faults()
        sc.login_and_use()
        assert sc.session_status()["state"] == "logged_in"
        assert sc.credentials()[0] == 200
        return {"op": op, "kind": kind, "calls": calls}
    finally:
        sc.close()


class ListingFaults(unittest.TestCase):
    def test_list_accounts(self):
        check_all(self, {k: (lambda k=k: run_listing_fault("ListAccounts", k)) for k in KINDS})

    def test_list_account_roles(self):
        check_all(self, {k: (lambda k=k: run_listing_fault("ListAccountRoles", k)) for k in KINDS})


class LoginFaults(unittest.TestCase):
    def test_register_client_and_device_authorization(self):
        scenarios = {}
        for op in ("RegisterClient", "StartDeviceAuthorization"):
            for k in ("status500", "delay", "reset", "malformed_json", "wrong_content_type"):
                scenarios[f"{op}/{k}"] = (lambda op=op, k=k: run_login_fault(op, k))
        check_all(self, scenarios)


if __name__ == "__main__":
    unittest.main()
