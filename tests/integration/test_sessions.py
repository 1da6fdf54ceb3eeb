"""The SSO session lifecycle through the real daemon: PKCE and device logins, renewal,
InvalidGrant, restarts (also after kill -9), corrupt state, AWS CLI cache round trip."""
import glob
import hashlib
import json
import os
import time
import unittest
import urllib.parse
import urllib.request

from itest import DaemonTestCase
from ssocred_testlib import wait_until


def session_state(daemon, name="demo"):
    _, st = daemon.control("GET", "/v1/status")
    return next(s for s in st["sessions"] if s["name"] == name)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


class Logins(DaemonTestCase):
    login = False

    def test_pkce_login_follows_the_authorize_redirect(self):
        status, login = self.daemon.control("POST", "/v1/login", {"sso_session": "demo"})
        self.assertEqual(status, 202, login)
        self.assertEqual(login["flow"], "authorization_code")
        url = urllib.parse.urlparse(login["url"])
        q = urllib.parse.parse_qs(url.query)
        self.assertEqual(q["code_challenge_method"], ["S256"])
        redirect_uri = q["redirect_uri"][0]
        self.assertTrue(redirect_uri.startswith("http://127.0.0.1:"))
        # The "browser": the emulator redirects to the daemon's loopback listener.
        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(login["url"], timeout=10)
            self.fail("expected a redirect")
        except urllib.error.HTTPError as e:
            self.assertEqual(e.code, 302)
            location = e.headers["Location"]
        self.assertTrue(location.startswith(redirect_uri))
        urllib.request.urlopen(location, timeout=10).read()
        status, done = self.daemon.control("GET", f"/v1/login/{login['id']}?wait=10")
        self.assertEqual(done["state"], "succeeded", done)
        self.assertEqual(session_state(self.daemon)["state"], "logged_in")
        self.assertEqual(self.emu.counters()["create_token_grants"]["authorization_code"], 1)

    def test_device_login_and_a_joined_second_login(self):
        self.emu.settings(approve_after=-1)
        _, first = self.daemon.control("POST", "/v1/login", {"sso_session": "demo", "use_device_code": True})
        _, second = self.daemon.control("POST", "/v1/login", {"sso_session": "demo", "use_device_code": True})
        self.assertEqual(first["flow"], "device_code")
        self.assertTrue(first["user_code"])
        self.assertTrue(second["joined"])
        self.assertEqual(first["id"], second["id"])
        self.emu.approve()
        _, done = self.daemon.control("GET", f"/v1/login/{first['id']}?wait=15")
        self.assertEqual(done["state"], "succeeded", done)

    def test_not_logged_in_is_a_clear_503(self):
        status, _, body = self.get("/v1/profiles/dev/credentials", self.token)
        self.assertEqual(status, 503)
        self.assertIn("ssocred login", json.loads(body)["message"])


class Renewal(DaemonTestCase):
    # Short access tokens: the daemon renews them with the refresh token well before expiry,
    # at 40-50 % of the lifetime (sso_session.hpp), so every 5-6 s here; the three renewals
    # the test waits for take under 20 s.
    emulator_args = ("--approve-after", "0", "--device-interval", "0", "--access-token-ttl", "12")

    def test_renews_and_rotates_then_invalid_grant_means_login_required(self):
        wait_until(lambda: self.emu.counters()["create_token_grants"]["refresh_token"] >= 1,
                   timeout=40, what="a refresh-token renewal")
        self.assertEqual(session_state(self.daemon)["state"], "logged_in")
        # Rotation: the first refresh token is spent, and a second renewal still works.
        wait_until(lambda: self.emu.counters()["create_token_grants"]["refresh_token"] >= 2,
                   timeout=40, what="a second renewal")
        self.assertEqual(session_state(self.daemon)["state"], "logged_in")
        # Revoked refresh token: InvalidGrant -> login required, and no retry storm.
        self.emu.revoke(refresh_tokens=True, access_tokens=False)
        wait_until(lambda: session_state(self.daemon)["state"] == "login_required", timeout=40,
                   what="login_required")
        calls = self.emu.counters()["create_token_grants"]["refresh_token"]
        time.sleep(3)
        self.assertEqual(self.emu.counters()["create_token_grants"]["refresh_token"], calls)
        self.assert_no_secrets_in_log()


class Persistence(DaemonTestCase):
    def restart(self, kill9):
        if kill9:
            self.daemon.kill9()
        else:
            self.daemon.stop()
        self.daemon.start()
        self.host, self.port = self.daemon.http_endpoint()

    def test_restart_after_kill9_keeps_the_session_and_active_role(self):
        self.emu.reset_counters()
        self.restart(kill9=True)
        self.assertEqual(session_state(self.daemon)["state"], "logged_in")
        status, _, body = self.get("/v1/credentials", self.token)  # same main token
        self.assertEqual(status, 200, body)
        self.assertEqual(self.emu.count("StartDeviceAuthorization"), 0)
        self.assertEqual(glob.glob(os.path.join(self.daemon.state_dir, "**", ".*.tmp-*"), recursive=True), [])

    def test_sigterm_exits_zero(self):
        self.assertEqual(self.daemon.stop(), 0)
        self.daemon.start()

    def test_corrupt_state_file_is_set_aside(self):
        self.daemon.stop()
        files = glob.glob(os.path.join(self.daemon.state_dir, "sessions", "*.json"))
        self.assertEqual(len(files), 1)
        with open(files[0], "w") as f:
            f.write('{"version": 1, "sess')
        # Without the AWS CLI copy the session is gone, but the daemon runs and says so.
        for cached in glob.glob(os.path.join(self.daemon.home, ".aws", "sso", "cache", "*.json")):
            os.unlink(cached)
        self.daemon.start()
        self.assertEqual(session_state(self.daemon)["state"], "logged_out")
        self.assertTrue(glob.glob(files[0] + ".corrupt-*"))

    def test_state_files_are_private(self):
        for root, dirs, files in os.walk(self.daemon.state_dir):
            for d in dirs:
                self.assertEqual(os.stat(os.path.join(root, d)).st_mode & 0o777, 0o700, d)
            for f in files:
                self.assertEqual(os.stat(os.path.join(root, f)).st_mode & 0o777, 0o600, f)
        self.assertEqual(os.stat(self.daemon.socket).st_mode & 0o777, 0o600)


class AwsCliCache(DaemonTestCase):
    """`--aws-cache=sync`, the default: the cache file carries what SDKs need to use the
    token, never the refresh token or the client secret (docs/security.md)."""
    TOKEN_ONLY = ["accessToken", "expiresAt", "region", "startUrl"]
    # Short-lived access tokens: the daemon renews within seconds, every 8-10 s (and botocore,
    # inside its 15-minute window, tries to refresh on its own and must fall back to the
    # token). Not shorter: a test compares what botocore read with the file a moment later,
    # and a renewal in between (a python start-up with boto3 imported) would change it.
    emulator_args = ("--approve-after", "0", "--device-interval", "0", "--access-token-ttl", "20")

    def refreshes(self, client_id=None):
        return [t for t in self.emu.issued()["access_tokens"] if t["grant"] == "refresh_token"
                and (client_id is None or t["client_id"] == client_id)]

    def cache_file(self):
        name = hashlib.sha1(b"demo").hexdigest()
        return os.path.join(self.daemon.home, ".aws", "sso", "cache", name + ".json")

    def read_cache(self):
        with open(self.cache_file()) as f:
            return json.load(f)

    def botocore_token(self):
        return self.python(
            "from botocore.session import Session\n"
            "from botocore.tokens import SSOTokenProvider\n"
            "s=Session(profile='dev')\n"
            "t=SSOTokenProvider(s).load_token()\n"
            "print(t.get_frozen_token().token)\n", {}).strip()

    def test_botocore_reads_what_the_daemon_wrote(self):
        issued = {t["access_token"] for t in self.emu.issued()["access_tokens"]}
        self.assertIn(self.botocore_token(), issued)
        j = self.read_cache()
        self.assertEqual(sorted(j), self.TOKEN_ONLY)
        self.assertRegex(j["expiresAt"], r"Z$")

    def test_no_refresh_token_on_disk_in_clear(self):
        # Wait for a renewal so several refresh tokens were issued, then look at every file
        # the daemon may have written (HOME, state dir, runtime dir).
        wait_until(lambda: self.refreshes(), timeout=40, interval=0.5, what="a renewal")
        wait_until(lambda: self.read_cache()["accessToken"] == self.refreshes()[-1]["access_token"],
                   timeout=5, interval=0.2, what="the renewed token in the cache file")
        refresh = [t["refresh_token"] for t in self.emu.issued()["refresh_tokens"]]
        self.assertTrue(refresh)
        roots = {self.daemon.home, self.daemon.state_dir, os.path.dirname(self.daemon.socket)}
        seen = 0
        for root in roots:
            for d, _, files in os.walk(root):
                for name in files:
                    path = os.path.join(d, name)
                    if not os.path.isfile(path) or os.path.islink(path):
                        continue
                    with open(path, "rb") as f:
                        data = f.read()
                    seen += 1
                    for r in refresh:
                        self.assertNotIn(r.encode(), data, f"a refresh token in clear in {path}")
                    self.assertNotIn(b"clientSecret", data, path)
        self.assertGreater(seen, 2)

    def test_a_full_cli_login_is_imported_and_its_refresh_token_taken_out(self):
        # `aws sso login` elsewhere: a registration and a device login of its own, written
        # as the AWS CLI writes the file (refresh token and client secret included).
        import boto3
        from botocore import UNSIGNED
        from botocore.config import Config
        oidc = boto3.client("sso-oidc", region_name="us-east-1", endpoint_url=self.emu.url,
                            config=Config(signature_version=UNSIGNED))
        reg = oidc.register_client(clientName="botocore-client-demo", clientType="public",
                                   scopes=["sso:account:access"])
        dev = oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                              startUrl=self.read_cache()["startUrl"])
        tok = oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                grantType="urn:ietf:params:oauth:grant-type:device_code",
                                deviceCode=dev["deviceCode"])
        j = self.read_cache()
        j.update({"accessToken": tok["accessToken"], "refreshToken": tok["refreshToken"],
                  "clientId": reg["clientId"], "clientSecret": reg["clientSecret"],
                  "registrationExpiresAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(reg["clientSecretExpiresAt"])),
                  "expiresAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + tok["expiresIn"] + 5))})
        tmp = self.cache_file() + ".tmp"
        with open(tmp, "w") as f:
            json.dump(j, f)
        os.replace(tmp, self.cache_file())
        # The daemon imports it and renews with the imported refresh token (only the CLI's
        # registration can use it), and its write takes the refresh secrets out of the file.
        wait_until(lambda: self.refreshes(reg["clientId"]), timeout=60, interval=0.5,
                   what="a renewal with the imported refresh token")
        wait_until(lambda: sorted(self.read_cache()) == self.TOKEN_ONLY, timeout=5, interval=0.2,
                   what="a token-only cache file")
        latest = self.refreshes(reg["clientId"])[-1]["access_token"]
        wait_until(lambda: self.read_cache()["accessToken"] == latest, timeout=5, interval=0.2,
                   what="the renewed token in the cache file")
        self.assertEqual(self.botocore_token(), self.read_cache()["accessToken"])


class AwsCliCacheFull(DaemonTestCase):
    """`--aws-cache=sync-full`: the whole file, as the AWS CLI writes it."""
    daemon_args = ("--aws-cache=sync-full",)

    def cache_file(self):
        name = hashlib.sha1(b"demo").hexdigest()
        return os.path.join(self.daemon.home, ".aws", "sso", "cache", name + ".json")

    def test_the_whole_file_is_written(self):
        with open(self.cache_file()) as f:
            j = json.load(f)
        for k in ("startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret",
                  "registrationExpiresAt", "refreshToken"):
            self.assertIn(k, j)
        self.assertRegex(j["expiresAt"], r"Z$")

    def test_daemon_imports_a_token_botocore_refreshed(self):
        # Another tool refreshes the session and rewrites the cache file (as botocore does).
        with open(self.cache_file()) as f:
            j = json.load(f)
        import boto3
        from botocore import UNSIGNED
        from botocore.config import Config
        oidc = boto3.client("sso-oidc", region_name="us-east-1", endpoint_url=self.emu.url,
                            config=Config(signature_version=UNSIGNED))
        r = oidc.create_token(clientId=j["clientId"], clientSecret=j["clientSecret"],
                              grantType="refresh_token", refreshToken=j["refreshToken"])
        j["accessToken"] = r["accessToken"]
        j["refreshToken"] = r["refreshToken"]
        j["expiresAt"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + r["expiresIn"] + 60))
        tmp = self.cache_file() + ".tmp"
        with open(tmp, "w") as f:
            json.dump(j, f)
        os.replace(tmp, self.cache_file())
        # The daemon now uses the new token: the old refresh token is spent upstream, so a
        # daemon that did not import would end up login_required; the portal sees the new token.
        fresh_roles = iter([("222222222222", "PowerUserAccess"), ("222222222222", "ReadOnlyAccess"),
                            ("333333333333", "BillingAccess"), ("333333333333", "ReadOnlyAccess"),
                            ("111111111111", "PowerUserAccess"), ("111111111111", "AdministratorAccess")])

        def uses_new_token():
            # Each probe asks for a role not cached yet, so it goes upstream with the
            # session's current access token.
            account, role = next(fresh_roles)
            self.get(f"/v1/accounts/{account}/roles/{role}/credentials", self.token)
            creds = self.emu.issued()["role_credentials"]
            return any(c["access_token"] == r["accessToken"] for c in creds)
        wait_until(uses_new_token, timeout=5, interval=0.5, what="the daemon to use the imported token")


class Logout(DaemonTestCase):
    def test_logout_is_idempotent_and_wipes(self):
        self.assertEqual(self.get("/v1/credentials", self.token)[0], 200)
        for _ in range(2):
            status, out = self.daemon.control("POST", "/v1/logout", {"sso_session": "demo"})
            self.assertEqual(status, 200, out)
            self.assertEqual(out["logged_out"], ["demo"])
        self.assertEqual(session_state(self.daemon)["state"], "logged_out")
        cli_cache = os.path.join(self.daemon.home, ".aws", "sso", "cache", hashlib.sha1(b"demo").hexdigest() + ".json")
        self.assertFalse(os.path.exists(cli_cache))
        self.assertEqual(glob.glob(os.path.join(self.daemon.state_dir, "sessions", "*.json")), [])
        self.assertEqual(self.get("/v1/credentials", self.token)[0], 503)
        self.assertGreaterEqual(self.emu.count("Logout"), 1)


if __name__ == "__main__":
    unittest.main()
