"""`ssocred console`: the AWS console for a role (issue 15). The daemon exchanges the role's
credentials for a SigninToken at the federation endpoint (here the emulator's, through
AWS_ENDPOINT_URL_SIGNIN, set per test) and returns the login URL; `--url` prints it. Every
URL is followed against the emulator's Action=login, which accepts only signin tokens it
issued for keys it issued and that had not expired."""
import http.client
import json
import os
import shutil
import tempfile
import unittest
import urllib.parse

import itest
from daemon_harness import Daemon
from itest import DaemonTestCase
from ssocred_testlib import Emulator

# A role chain on top of dev: the daemon assumes it at the emulator's own STS.
CHAINED_ARN = "arn:aws:iam::333333333333:role/ChainedAdmin"
PROFILES = dict(itest.PROFILES, chained={"role_arn": CHAINED_ARN, "source_profile": "dev",
                                         "role_session_name": "console-test",
                                         "region": "eu-central-1"})

HOME_EU_WEST_1 = "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"
HOME_US_EAST_1 = "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1"


class Console(DaemonTestCase):
    def setUp(self):  # DaemonTestCase's, with the chained profile and the emulator as STS
        self.emu = Emulator(*self.emulator_args)
        self.emu.start()
        self.addCleanup(self.emu.stop)
        self.daemon = Daemon(self.emu.url, config_profiles=PROFILES,
                             env={"AWS_ENDPOINT_URL_STS": self.emu.url})
        self.addCleanup(self.daemon.close)
        self.daemon.start()
        self.daemon.login()
        self.daemon.cli("use", "dev", check=True)
        self.token = self.daemon.endpoint_info()["token"]

    def signin_env(self, **extra):
        env = {"AWS_ENDPOINT_URL_SIGNIN": self.emu.url}
        env.update(extra)
        return env

    def console_url(self, *args, env=None):
        """`ssocred console --url ARGS`: exactly one line on stdout, the login URL."""
        r = self.daemon.cli("console", "--url", *args, env=env or self.signin_env())
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 1, r.stdout)
        return lines[0]

    def console_json(self, *args, env=None):
        r = self.daemon.cli("--json", "console", *args, env=env or self.signin_env())
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def follow(self, url):
        """GET the login URL at the emulator (no redirect following): status, Location."""
        parts = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            conn.request("GET", parts.path + "?" + parts.query)
            resp = conn.getresponse()
            resp.read()
            return resp.status, resp.getheader("Location")
        finally:
            conn.close()

    def assert_login_url(self, url, destination):
        self.assertTrue(url.startswith(self.emu.url + "/federation?"), url)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        self.assertEqual(query["Action"], ["login"])
        self.assertEqual(query["Issuer"], ["ssocred"])
        self.assertEqual(query["Destination"], [destination])
        self.assertEqual(len(query["SigninToken"]), 1)
        status, location = self.follow(url)
        self.assertEqual(status, 302)
        self.assertEqual(location, destination)
        return query["SigninToken"][0]

    def federation(self, **params):
        """A GET /federation straight at the emulator: status and JSON body."""
        status, _, body = self.emu_get("/federation?" + urllib.parse.urlencode(params))
        return status, json.loads(body) if body else None

    def emu_get(self, path):
        parts = urllib.parse.urlsplit(self.emu.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            return resp.status, resp.getheaders(), resp.read()
        finally:
            conn.close()

    # -- which role, which region -----------------------------------------------------------
    def test_active_role_url_is_accepted_by_the_federation_endpoint(self):
        self.emu.reset_counters()
        url = self.console_url()
        token = self.assert_login_url(url, HOME_EU_WEST_1)  # dev's own region
        ops = self.emu.counters()["operations"]
        self.assertEqual(ops["GetSigninToken"], 1)
        self.assertEqual(ops["ConsoleLogin"], 1)
        # The keys behind it are the dev role's, as the emulator issued them.
        info = self.console_json()
        self.assertEqual(info["role"]["profile"], "dev")
        self.assertEqual(info["region"], "eu-west-1")
        self.assertEqual(info["signin_endpoint"], self.emu.url)
        self.assertEqual(info["destination"], HOME_EU_WEST_1)
        self.assertIn("expiration", info)
        self.assert_login_url(info["url"], HOME_EU_WEST_1)
        # Neither the signin token nor the role's keys reach the daemon's log.
        self.assert_no_secrets_in_log()
        self.assertNotIn(token, self.daemon.log())

    def test_profile_flag_and_aws_profile(self):
        info = self.console_json("--profile", "stg")
        self.assertEqual(info["role"]["account_id"], "222222222222")
        self.assertEqual(info["role"]["role_name"], "DeployAccess")
        # stg has no region of its own: the SSO session's.
        self.assertEqual(info["region"], "us-east-1")
        self.assert_login_url(info["url"], HOME_US_EAST_1)
        # AWS_PROFILE chooses it too, as for `env`; --profile wins over it.
        info = self.console_json(env=self.signin_env(AWS_PROFILE="stg"))
        self.assertEqual(info["role"]["profile"], "stg")
        info = self.console_json("--profile", "ro", env=self.signin_env(AWS_PROFILE="stg"))
        self.assertEqual(info["role"]["profile"], "ro")
        # A profile named as the argument, as `use` takes it.
        info = self.console_json("ro")
        self.assertEqual(info["role"]["role_name"], "ReadOnlyAccess")

    def test_account_and_role(self):
        url = self.console_url("222222222222/DeployAccess")
        self.assert_login_url(url, HOME_US_EAST_1)
        info = self.console_json("222222222222/DeployAccess", "--sso-session", "demo")
        self.assertEqual(info["role"]["account_id"], "222222222222")
        self.assertEqual(info["role"]["session"], "demo")

    def test_destination_and_region(self):
        dest = "https://s3.console.aws.amazon.com/s3/buckets?region=eu-west-1"
        url = self.console_url("--destination", dest)
        self.assert_login_url(url, dest)
        url = self.console_url("--region", "ap-southeast-2")
        self.assert_login_url(
            url, "https://ap-southeast-2.console.aws.amazon.com/console/home?region=ap-southeast-2")
        info = self.console_json("--region", "cn-north-1")
        self.assertEqual(info["destination"],
                         "https://console.amazonaws.cn/console/home?region=cn-north-1")

    def test_signin_endpoint_base_url_keeps_its_path(self):
        # A base URL: /federation is appended to it for both calls (the emulator only
        # answers /federation, so a prefixed one is refused: the prefix reached the request).
        r = self.daemon.cli("console", "--url",
                            env=self.signin_env(AWS_ENDPOINT_URL_SIGNIN=self.emu.url + "/"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_login_url(r.stdout.strip(), HOME_EU_WEST_1)
        r = self.daemon.cli("console", "--url",
                            env=self.signin_env(AWS_ENDPOINT_URL_SIGNIN=self.emu.url + "/prefix"))
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        self.assertIn("no federation endpoint (HTTP 404)", r.stderr)
        # Ignored, as the SDKs ignore every AWS_ENDPOINT_URL_*, when told to: the default
        # (unreachable here) endpoint is used, and nothing is printed.
        info_env = self.signin_env(AWS_IGNORE_CONFIGURED_ENDPOINT_URLS="true")
        r = self.daemon.cli("console", "--url", "--region", "us-iso-east-1", env=info_env)
        self.assertEqual(r.returncode, 1)
        self.assertIn("AWS_ENDPOINT_URL_SIGNIN", r.stderr)

    def test_chained_role(self):
        self.emu.reset_counters()
        info = self.console_json("--profile", "chained")
        self.assertEqual(info["role"]["account_id"], "333333333333")
        self.assertEqual(info["role"]["role_name"], "ChainedAdmin")
        self.assertEqual(info["region"], "eu-central-1")
        self.assert_login_url(
            info["url"],
            "https://eu-central-1.console.aws.amazon.com/console/home?region=eu-central-1")
        ops = self.emu.counters()["operations"]
        self.assertEqual(ops["AssumeRole"], 1)  # the chain's hop, signed with dev's keys
        self.assertEqual(ops["GetSigninToken"], 1)
        chained = [c for c in self.emu.issued()["role_credentials"]
                   if c.get("assumed_role_arn", "").endswith("/ChainedAdmin/console-test")]
        self.assertEqual(len(chained), 1)
        self.assertEqual(chained[0]["account_id"], "333333333333")
        # The same URL once more comes from the daemon's cached chained keys.
        self.assert_login_url(self.console_url("--profile", "chained"),
                              "https://eu-central-1.console.aws.amazon.com/console/home"
                              "?region=eu-central-1")
        self.assertEqual(self.emu.counters()["operations"]["AssumeRole"], 1)
        self.assert_no_secrets_in_log()

    def test_emulator_sts_checks_the_signature(self):
        # botocore signs: a third party's SigV4 agrees with the emulator's check.
        import botocore.session
        from botocore.exceptions import ClientError
        self.console_url()  # the daemon has fetched dev's keys
        issued = self.emu.issued()["role_credentials"][-1]

        def sts(secret, token=issued["session_token"]):
            return botocore.session.get_session().create_client(
                "sts", region_name="eu-west-1", endpoint_url=self.emu.url,
                aws_access_key_id=issued["access_key_id"], aws_secret_access_key=secret,
                aws_session_token=token)

        out = sts(issued["secret_access_key"]).assume_role(RoleArn=CHAINED_ARN,
                                                           RoleSessionName="boto")
        self.assertEqual(out["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::333333333333:assumed-role/ChainedAdmin/boto")
        for secret, token, code in (("x" * 40, issued["session_token"], "SignatureDoesNotMatch"),
                                    (issued["secret_access_key"], "forged",
                                     "InvalidClientTokenId")):
            with self.assertRaises(ClientError) as cm:
                sts(secret, token).assume_role(RoleArn=CHAINED_ARN, RoleSessionName="boto")
            self.assertEqual(cm.exception.response["Error"]["Code"], code)

    def test_opens_the_browser_with_the_url(self):
        bin_dir = tempfile.mkdtemp(prefix="ssocred-browser-")
        self.addCleanup(shutil.rmtree, bin_dir, True)
        seen = os.path.join(bin_dir, "opened")
        with open(os.path.join(bin_dir, "xdg-open"), "w") as f:
            f.write(f'#!/bin/sh\nprintf "%s" "$1" > "{seen}"\n')
        os.chmod(os.path.join(bin_dir, "xdg-open"), 0o755)
        env = self.signin_env(DISPLAY=":99", PATH=bin_dir + ":" + self.daemon.env["PATH"])
        r = self.daemon.cli("console", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Opened the AWS console for dev", r.stdout)
        self.assertNotIn("SigninToken", r.stdout + r.stderr)  # the URL stays off the terminal
        with open(seen) as f:
            self.assert_login_url(f.read(), HOME_EU_WEST_1)

    def test_without_a_browser_points_to_url(self):
        r = self.daemon.cli("console", env=self.signin_env())  # no DISPLAY, no BROWSER
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        self.assertIn("--url", r.stderr)
        self.assertNotIn("SigninToken", r.stderr)

    # -- errors -----------------------------------------------------------------------------
    def test_unknown_profile_suggests_the_right_one(self):
        r = self.daemon.cli("console", "--url", "--profile", "dve", env=self.signin_env())
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        self.assertIn("did you mean 'dev'", r.stderr)
        r = self.daemon.cli("console", "--url", env=self.signin_env(AWS_PROFILE="nope"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("AWS_PROFILE=nope", r.stderr)
        r = self.daemon.cli("--json", "console", "--profile", "dve", env=self.signin_env())
        self.assertEqual(r.returncode, 1)
        error = json.loads(r.stdout)["error"]  # --json: the error is the document, no URL
        self.assertEqual(error["code"], "not_found")
        self.assertIn("did you mean 'dev'", error["message"])

    def test_usage_errors(self):
        r = self.daemon.cli("console", "--profile", "dev", "111111111111/DeveloperAccess")
        self.assertEqual(r.returncode, 2)
        r = self.daemon.cli("console", "--sso-session", "demo", "--profile", "dev")
        self.assertEqual(r.returncode, 2)
        r = self.daemon.cli("console", "--url", "--destination", "javascript:alert(1)",
                            env=self.signin_env())
        self.assertEqual(r.returncode, 1)
        self.assertIn("destination", r.stderr)
        r = self.daemon.cli("console", "--url", "--region", "EU-WEST-1", env=self.signin_env())
        self.assertEqual(r.returncode, 1)
        self.assertIn("not a valid region", r.stderr)

    def test_expired_keys_are_refused(self):
        self.console_url()  # the daemon now holds the dev role's keys
        # Two hours later in the emulator's time those keys (one hour) have expired; the
        # daemon still serves them from its cache, and the federation endpoint refuses them.
        self.emu.set_clock_offset(7200)
        r = self.daemon.cli("console", "--url", env=self.signin_env())
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        self.assertIn("refused the role's credentials", r.stderr)
        self.assertIn("HTTP 403", r.stderr)

    def test_federation_endpoint_checks_keys_and_tokens(self):
        self.console_url()  # the daemon has fetched dev's keys
        issued = self.emu.issued()["role_credentials"][-1]
        good = {"sessionId": issued["access_key_id"], "sessionKey": issued["secret_access_key"],
                "sessionToken": issued["session_token"]}
        status, body = self.federation(Action="getSigninToken", Session=json.dumps(good))
        self.assertEqual(status, 200, body)
        token = body["SigninToken"]
        status, body = self.federation(Action="getSigninToken", Session=json.dumps(good),
                                       SessionDuration="3600")
        self.assertEqual(status, 200, body)
        for duration in ("899", "43201", "1h"):
            status, _ = self.federation(Action="getSigninToken", Session=json.dumps(good),
                                        SessionDuration=duration)
            self.assertEqual(status, 400, duration)
        # Keys it never issued, or with another secret or session token.
        for wrong in ({"sessionId": "ASIANOTISSUEDBYEMU00"},
                      {"sessionKey": "x" * 40}, {"sessionToken": "forged"}):
            status, _ = self.federation(Action="getSigninToken",
                                        Session=json.dumps(dict(good, **wrong)))
            self.assertEqual(status, 403, wrong)
        for session in ("not json", json.dumps({"sessionId": good["sessionId"]})):
            status, _ = self.federation(Action="getSigninToken", Session=session)
            self.assertEqual(status, 400, session)
        status, _ = self.federation(Action="getSigninToken")
        self.assertEqual(status, 400)
        # Login: only a token it issued, and only for 15 minutes.
        dest = "https://console.aws.amazon.com/console/home"
        status, headers, _ = self.emu_get("/federation?" + urllib.parse.urlencode(
            {"Action": "login", "Issuer": "t", "Destination": dest, "SigninToken": token}))
        self.assertEqual(status, 302)
        self.assertEqual(dict(headers)["Location"], dest)
        status, _, _ = self.emu_get("/federation?" + urllib.parse.urlencode(
            {"Action": "login", "Issuer": "t", "Destination": dest, "SigninToken": token + "x"}))
        self.assertEqual(status, 400)
        self.emu.set_clock_offset(16 * 60)
        status, _, _ = self.emu_get("/federation?" + urllib.parse.urlencode(
            {"Action": "login", "Issuer": "t", "Destination": dest, "SigninToken": token}))
        self.assertEqual(status, 400)
        # Keys past their expiration.
        self.emu.set_clock_offset(3600 + 60)
        status, _ = self.federation(Action="getSigninToken", Session=json.dumps(good))
        self.assertEqual(status, 403)


if __name__ == "__main__":
    unittest.main()
