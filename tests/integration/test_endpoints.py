"""The container and IMDSv2 endpoints, end to end: real daemon, emulator, botocore."""
import json
import subprocess
import threading
import unittest

from itest import DaemonTestCase
from daemon_harness import http_request


class ContainerEndpoint(DaemonTestCase):
    def test_botocore_gets_what_the_emulator_issued(self):
        out = self.python(
            "import botocore.session as s; c=s.get_session().get_credentials();"
            "f=c.get_frozen_credentials(); print(c.method, f.access_key, c._expiry_time.isoformat())",
            {"AWS_CONTAINER_CREDENTIALS_FULL_URI": f"http://127.0.0.1:{self.port}/v1/credentials",
             "AWS_CONTAINER_AUTHORIZATION_TOKEN": self.token})
        method, key, _expiry = out.split()
        self.assertEqual(method, "container-role")
        self.assertIn(key, self.issued_key_ids())
        self.assert_no_secrets_in_log()

    def test_body_shape(self):
        status, hdrs, body = self.get("/v1/credentials", self.token)
        self.assertEqual(status, 200)
        self.assertEqual(hdrs["Content-Type"], "application/json")
        j = json.loads(body)
        for k in ("AccessKeyId", "SecretAccessKey", "Token", "Expiration", "AccountId", "RoleArn"):
            self.assertIsInstance(j[k], str)
        self.assertRegex(j["Expiration"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(j["AccountId"], "111111111111")

    def test_every_path_and_error_status(self):
        self.assertEqual(self.get("/v1/profiles/ro/credentials", self.token)[0], 200)
        self.assertEqual(self.get("/v1/accounts/222222222222/roles/DeployAccess/credentials", self.token)[0], 200)
        for path, token, want in [
            ("/v1/credentials", None, 401),
            ("/v1/credentials", "wrong", 401),
            ("/v1/profiles/nope/credentials", self.token, 404),
            ("/v1/accounts/999999999999/roles/X/credentials", self.token, 404),
            ("/nope", self.token, 404),
        ]:
            status, hdrs, body = self.get(path, token)
            self.assertEqual(status, want, (path, body))
            j = json.loads(body)
            self.assertEqual(j["code"], j["Code"])
            self.assertEqual(j["message"], j["Message"])
            self.assertEqual(hdrs["Content-Type"], "application/json")

    def test_scoped_token_reaches_one_role_only(self):
        status, minted = self.daemon.control("POST", "/v1/tokens", {"profile": "ro", "file": True})
        self.assertEqual(status, 201, minted)
        tok = minted["token"]
        self.assertEqual(self.get("/v1/profiles/ro/credentials", tok)[0], 200)
        self.assertEqual(self.get("/v1/profiles/dev/credentials", tok)[0], 403)
        with open(minted["token_file"]) as f:
            self.assertEqual(f.read(), tok)  # no trailing newline
        status, _ = self.daemon.control("DELETE", f"/v1/tokens/{minted['id']}")
        self.assertEqual(status, 200)
        self.assertEqual(self.get("/v1/profiles/ro/credentials", tok)[0], 401)

    def test_browser_requests_are_refused(self):
        for headers in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/"},
                        {"Host": "evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
            self.assertEqual(self.get("/v1/credentials", self.token, headers)[0], 403, headers)
        _, hdrs, _ = self.get("/v1/credentials", self.token)
        self.assertFalse(any(h.lower().startswith("access-control") for h in hdrs))

    def test_single_flight(self):
        # A role nobody asked for yet: 200 concurrent requests -> one GetRoleCredentials.
        self.emu.reset_counters()
        statuses = []
        def fetch():
            statuses.append(self.get("/v1/accounts/333333333333/roles/BillingAccess/credentials", self.token)[0])
        threads = [threading.Thread(target=fetch) for _ in range(200)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(statuses, [200] * 200)
        self.assertEqual(self.emu.count("GetRoleCredentials"), 1)

    def test_upstream_down_keeps_serving_valid_credentials(self):
        first = json.loads(self.get("/v1/credentials", self.token)[2])
        self.emu.fault("GetRoleCredentials", "status500", count=-1)
        self.emu.fault("CreateToken", "status500", count=-1)
        again = json.loads(self.get("/v1/credentials", self.token)[2])
        self.assertEqual(first["AccessKeyId"], again["AccessKeyId"])
        # A role with nothing cached gets a 503 with both error spellings.
        status, _, body = self.get("/v1/accounts/333333333333/roles/ReadOnlyAccess/credentials", self.token)
        self.assertEqual(status, 503)
        self.assertIn("Message", json.loads(body))


class ImdsEndpoint(DaemonTestCase):
    def setUp(self):
        super().setUp()
        # The portable build cannot tell which user owns a TCP connection, so its metadata
        # endpoint refuses everyone (docs/endpoints.md): each test then checks that refusal.
        self.served = self.daemon.serves_imds()

    def imds_token(self, ttl="21600", headers=None):
        h = {"X-aws-ec2-metadata-token-ttl-seconds": ttl}
        h.update(headers or {})
        return self.get("/latest/api/token", headers=h, method="PUT")

    def assert_refused_by_this_build(self):
        self.assertEqual(self.daemon.platform()["os_layer"], "generic")
        status, _, body = self.imds_token("300")
        self.assertEqual(status, 403)
        message = json.loads(body)["message"]
        self.assertIn("cannot tell which user owns a TCP connection", message)
        self.assertIn("container endpoint", message)
        h = {"X-aws-ec2-metadata-token": "anything"}
        for path in ("/latest/meta-data/iam/security-credentials/",
                     "/latest/meta-data/iam/security-credentials/DeveloperAccess",
                     "/latest/meta-data/placement/region"):
            self.assertEqual(self.get(path, headers=h)[0], 403, path)
        # The container endpoint it points at works.
        self.assertEqual(self.get("/v1/credentials", self.token)[0], 200)

    def test_token_rules(self):
        if not self.served:
            return self.assert_refused_by_this_build()
        status, hdrs, body = self.imds_token("300")
        self.assertEqual(status, 200)
        self.assertEqual(hdrs["X-aws-ec2-metadata-token-ttl-seconds"], "300")
        self.assertTrue(body.isascii() and b"\n" not in body)
        for ttl in ("0", "21601", "abc", ""):
            self.assertEqual(self.imds_token(ttl)[0], 400, ttl)
        self.assertEqual(self.imds_token(headers={"X-Forwarded-For": "1.2.3.4"})[0], 403)
        self.assertEqual(self.get("/latest/meta-data/iam/security-credentials/")[0], 401)
        self.assertEqual(self.get("/latest/meta-data/iam/security-credentials/",
                                  headers={"X-aws-ec2-metadata-token": "bogus"})[0], 401)

    def test_role_and_credentials(self):
        if not self.served:
            return self.assert_refused_by_this_build()
        tok = self.imds_token()[2].decode()
        h = {"X-aws-ec2-metadata-token": tok}
        status, _, role = self.get("/latest/meta-data/iam/security-credentials/", headers=h)
        self.assertEqual((status, role), (200, b"DeveloperAccess"))
        for prefix in ("security-credentials", "security-credentials-extended"):
            status, _, body = self.get(f"/latest/meta-data/iam/{prefix}/DeveloperAccess", headers=h)
            self.assertEqual(status, 200)
            j = json.loads(body)
            self.assertEqual(j["Code"], "Success")
            self.assertIn(j["AccessKeyId"], self.issued_key_ids())
        self.assertEqual(self.get("/latest/meta-data/placement/region", headers=h)[2], b"eu-west-1")

    def test_botocore_imds_provider(self):
        out = self.python(
            "import botocore.session as s; c=s.get_session().get_credentials();"
            "print(c.method, c.get_frozen_credentials().access_key) if c else print('none')",
            {"AWS_EC2_METADATA_SERVICE_ENDPOINT": f"http://127.0.0.1:{self.port}"})
        if not self.served:
            self.assertEqual(out.strip(), "none")  # botocore found no credentials
            return self.assert_refused_by_this_build()
        method, key = out.split()
        self.assertEqual(method, "iam-role")
        self.assertIn(key, self.issued_key_ids())

    def test_other_users_are_refused(self):
        # The kernel knows who owns the client socket: another local user gets 403.
        probe = ("import http.client,sys;c=http.client.HTTPConnection('127.0.0.1',%d,timeout=5);"
                 "c.request('PUT','/latest/api/token',headers={'X-aws-ec2-metadata-token-ttl-seconds':'60'});"
                 "print(c.getresponse().status)" % self.port)
        try:
            r = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                "/usr/bin/python3", "-c", probe], capture_output=True, text=True, timeout=30)
        except FileNotFoundError:
            self.skipTest("setpriv is not installed")
        if r.returncode != 0 and "Operation not permitted" in r.stderr:
            self.skipTest("cannot switch to user nobody here (not root)")
        self.assertEqual(r.stdout.strip(), "403", r.stderr)


class OneRoleOneCacheEntry(DaemonTestCase):
    def test_profile_path_and_account_path_share_one_upstream_call(self):
        # "ro" names its sso-session; the account/role path names none (the default
        # session): the same role, so one GetRoleCredentials and the same keys.
        before = self.emu.count("GetRoleCredentials")
        s1, a = self.get_json("/v1/profiles/ro/credentials", self.token)
        s2, b = self.get_json("/v1/accounts/111111111111/roles/ReadOnlyAccess/credentials", self.token)
        s3, c = self.get_json("/v1/profiles/ro/credentials", self.token)
        self.assertEqual((s1, s2, s3), (200, 200, 200))
        self.assertEqual(self.emu.count("GetRoleCredentials") - before, 1)
        self.assertEqual(a["AccessKeyId"], b["AccessKeyId"])
        self.assertEqual(b["AccessKeyId"], c["AccessKeyId"])
        _, st = self.daemon.control("GET", "/v1/status")
        ro = [r for r in st["roles"] if r["role_name"] == "ReadOnlyAccess"]
        self.assertEqual([r["session"] for r in ro], ["demo"], st["roles"])


if __name__ == "__main__":
    unittest.main()
