"""ssocred-emulator --sts-endpoint against moto_server with signature checking on: every
GetRoleCredentials is a SigV4-signed AssumeRole on moto, the keys returned are moto's, and
moto refuses what the interop cells must never get away with (a wrong secret, a wrong or
missing session token, the emulator signing with a wrong key). No daemon here: botocore's
own sso-oidc and sso clients talk to the emulator."""
import datetime
import os
import shutil
import subprocess
import unittest

import botocore
import botocore.config
import botocore.session
from botocore.exceptions import ClientError

from interop_harness import ACCOUNT, MOTO_SERVER, REGION, ROLES, Moto, assumed_role_arn, \
    parse_time
from ssocred_testlib import EMULATOR, Emulator, free_tmpdir

START_URL = "https://d-0000000000.awsapps.com/start"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def sso_clients(url):
    s = botocore.session.Session()
    cfg = botocore.config.Config(signature_version=botocore.UNSIGNED,
                                 retries={"total_max_attempts": 1})
    return (s.create_client("sso-oidc", region_name=REGION, endpoint_url=url, config=cfg),
            s.create_client("sso", region_name=REGION, endpoint_url=url, config=cfg))


def flipped(secret):
    return secret[:-1] + ("A" if secret[-1] != "A" else "B")


def device_login(emu):
    """A device-code login against `emu` (approves at once): the portal client and token."""
    oidc, sso = sso_clients(emu.url)
    reg = oidc.register_client(clientName="sts-minting-test", clientType="public",
                               scopes=["sso:account:access"])
    dev = oidc.start_device_authorization(clientId=reg["clientId"],
                                          clientSecret=reg["clientSecret"],
                                          startUrl=START_URL)
    tok = oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                            grantType=DEVICE_GRANT, deviceCode=dev["deviceCode"])
    return sso, tok["accessToken"]


@unittest.skipUnless(MOTO_SERVER, "moto_server is not installed (pip package moto[server]): "
                                  "no signed request can be checked")
class StsMinting(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = free_tmpdir(prefix="ssocred-sts-")
        cls.moto = Moto(os.path.join(cls.tmp, "moto"))
        os.makedirs(cls.moto.process.tmpdir)
        try:
            cls.moto.start()
        except BaseException:
            cls.moto.stop()
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise
        cls.catalog = os.path.join(cls.tmp, "catalog.json")
        with open(cls.catalog, "w") as f:
            f.write('{"accounts":[{"account_id":"%s","roles":%s}]}' %
                    (ACCOUNT, str(ROLES).replace("'", '"')))

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def emulator(self, secret=None, *extra):
        env = {"AWS_ACCESS_KEY_ID": self.moto.key[0],
               "AWS_SECRET_ACCESS_KEY": secret or self.moto.key[1], "AWS_SESSION_TOKEN": None}
        emu = Emulator("--approve-after", "0", "--device-interval", "0", "--config",
                       self.catalog, "--sts-endpoint", self.moto.url, *extra, env=env)
        emu.start()
        self.addCleanup(emu.stop)
        return emu


    def role_credentials(self, emu, role="InteropAdmin"):
        sso, token = device_login(emu)
        return sso.get_role_credentials(roleName=role, accountId=ACCOUNT,
                                        accessToken=token)["roleCredentials"]

    def assert_refused(self, code, key, secret, token):
        with self.assertRaises(ClientError) as cm:
            self.moto.caller_arn(key, secret, token)
        self.assertEqual(cm.exception.response["Error"]["Code"], code)

    def test_role_credentials_are_moto_assumed_role_keys(self):
        emu = self.emulator()
        creds = self.role_credentials(emu, "InteropReadOnly")
        issued = emu.issued()["role_credentials"]
        self.assertEqual(len(issued), 1)
        rec = issued[0]
        self.assertEqual(rec["access_key_id"], creds["accessKeyId"])
        self.assertEqual(rec["secret_access_key"], creds["secretAccessKey"])
        self.assertEqual(rec["session_token"], creds["sessionToken"])
        self.assertEqual(rec["assumed_role_arn"], assumed_role_arn("InteropReadOnly"))
        self.assertTrue(creds["accessKeyId"].startswith("ASIA"))
        # moto knows exactly these keys: the signed call is accepted as the assumed role.
        arn = self.moto.caller_arn(creds["accessKeyId"], creds["secretAccessKey"],
                                   creds["sessionToken"])
        self.assertEqual(arn, assumed_role_arn("InteropReadOnly"))
        # The expiration stays the emulator's own: its clock + role_ttl (3600 by default).
        exp = datetime.datetime.fromtimestamp(creds["expiration"] / 1000, datetime.timezone.utc)
        self.assertEqual(abs((exp - parse_time(rec["expiration"])).total_seconds()) < 1, True)
        left = (exp - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        self.assertTrue(3500 < left <= 3600, left)

    def test_every_call_mints_fresh_keys_and_short_lifetimes_pass(self):
        emu = self.emulator(None, "--role-ttl", "30")
        sso, token = device_login(emu)
        a = sso.get_role_credentials(roleName="InteropAdmin", accountId=ACCOUNT,
                                     accessToken=token)["roleCredentials"]
        b = sso.get_role_credentials(roleName="InteropAdmin", accountId=ACCOUNT,
                                     accessToken=token)["roleCredentials"]
        self.assertNotEqual(a["accessKeyId"], b["accessKeyId"])
        for c in (a, b):
            self.assertEqual(self.moto.caller_arn(c["accessKeyId"], c["secretAccessKey"],
                                                  c["sessionToken"]),
                             assumed_role_arn("InteropAdmin"))
            exp = datetime.datetime.fromtimestamp(c["expiration"] / 1000, datetime.timezone.utc)
            left = (exp - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
            self.assertTrue(0 < left <= 30, left)

    def test_wrong_secret_wrong_or_missing_token_are_refused(self):
        c = self.role_credentials(self.emulator())
        key, secret, token = c["accessKeyId"], c["secretAccessKey"], c["sessionToken"]
        self.assert_refused("SignatureDoesNotMatch", key, flipped(secret), token)
        self.assert_refused("InvalidClientTokenId", key, secret, flipped(token))
        # Without the token moto looks for a long-term key of that id: there is none.
        self.assert_refused("InvalidClientTokenId", key, secret, None)
        # An id moto never issued.
        self.assert_refused("InvalidClientTokenId", "ASIA" + "Z" * 16, secret, token)
        # And the genuine triple still works (the refusals were about the tampering).
        self.assertEqual(self.moto.caller_arn(key, secret, token),
                         assumed_role_arn("InteropAdmin"))

    def test_emulator_signing_with_a_wrong_key_gets_no_credentials(self):
        emu = self.emulator(flipped(self.moto.key[1]))
        with self.assertRaises(ClientError) as cm:
            self.role_credentials(emu)
        self.assertEqual(cm.exception.response["Error"]["Code"], "InternalServerException")
        self.assertIn("SignatureDoesNotMatch", cm.exception.response["Error"]["Message"])
        self.assertEqual(emu.issued()["role_credentials"], [])


class StsFlags(unittest.TestCase):
    def run_emulator(self, *args, env=None):
        e = {k: v for k, v in os.environ.items()
             if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")}
        e.update(env or {})
        return subprocess.run([EMULATOR, *args], env=e, capture_output=True, text=True,
                              timeout=30)

    def test_sts_endpoint_needs_a_signing_key_in_the_environment(self):
        r = self.run_emulator("--sts-endpoint", "http://127.0.0.1:9")
        self.assertEqual(r.returncode, 2)
        self.assertIn("AWS_ACCESS_KEY_ID", r.stderr)

    def test_sts_endpoint_must_be_an_origin(self):
        env = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "x"}
        self.assertEqual(self.run_emulator("--sts-endpoint", "127.0.0.1:9", env=env).returncode, 2)
        self.assertEqual(self.run_emulator("--sts-endpoint", "http://127.0.0.1:9/sts",
                                           env=env).returncode, 2)
        self.assertEqual(self.run_emulator("--sts-region", "eu-west-1", env=env).returncode, 2)

    def test_help_documents_the_flags(self):
        out = self.run_emulator("--help").stdout
        self.assertIn("--sts-endpoint URL", out)
        self.assertIn("--sts-region REGION", out)

    def test_unreachable_sts_is_a_500_not_invented_keys(self):
        env = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "x"}
        with Emulator("--approve-after", "0", "--device-interval", "0", "--sts-endpoint",
                      "http://127.0.0.1:9", env=env) as emu:
            sso, access_token = device_login(emu)
            with self.assertRaises(ClientError) as cm:
                sso.get_role_credentials(roleName="AdministratorAccess",
                                         accountId="111111111111",
                                         accessToken=access_token)
            self.assertEqual(cm.exception.response["Error"]["Code"], "InternalServerException")
            self.assertEqual(emu.issued()["role_credentials"], [])


if __name__ == "__main__":
    unittest.main()
