"""The AWS CLI cache the daemon keeps in step (`--aws-cache=sync`, the default, which
writes only accessToken, expiresAt, region and startUrl - no refresh token, no client
secret): the SSO token providers of botocore, AWS CLI v2 and the AWS SDK for JavaScript v3
use that token as is (issue 16 item 13, docs/storage.md).

- botocore: an sso-session profile resolves credentials through SSOTokenProvider and
  GetRoleCredentials (AWS_ENDPOINT_URL_SSO points at the emulator).
- AWS CLI v2 (Debian's 2.9, which predates AWS_ENDPOINT_URL_SSO): its own bundled botocore's
  SSOTokenProvider loads the token (the provider its `sso` credential resolution uses).
- JavaScript v3: fromSSO with an sso-session profile (token provider fromSso, then
  GetRoleCredentials at AWS_ENDPOINT_URL_SSO).
Each must present the token the daemon obtained, and the file must hold no refresh token."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import unittest

from daemon_harness import Daemon
from ssocred_testlib import Emulator

HERE = os.path.dirname(os.path.abspath(__file__))
PROFILES = {"interop": {"sso_session": "demo", "sso_account_id": "111111111111",
                        "sso_role_name": "DeveloperAccess", "region": "eu-west-1"}}
AWS_V2_PYTHON = "/usr/bin/python3"  # Debian's awscli (v2) lives in its dist-packages

JS_SSO = r'''
import { fromSSO } from "@aws-sdk/credential-providers";
const c = await fromSSO({ profile: "interop" })();
console.log(JSON.stringify({ access_key_id: c.accessKeyId }));
'''


class SyncedTokenCache(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator("--approve-after", "0", "--device-interval", "0")
        cls.emu.start()
        cls.daemon = Daemon(cls.emu.url, config_profiles=PROFILES)
        try:
            cls.daemon.start()
            cls.daemon.login()
        except BaseException:
            cls.daemon.close()
            cls.emu.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.daemon.close()
        cls.emu.stop()

    def env(self):
        return {"PATH": os.environ["PATH"], "HOME": self.daemon.home,
                "AWS_CONFIG_FILE": self.daemon.config_file,
                "AWS_ENDPOINT_URL_SSO": self.emu.url, "AWS_ENDPOINT_URL_SSO_OIDC": self.emu.url,
                "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.daemon.home, "nothing")}

    def daemon_token(self):
        return self.emu.issued()["latest_access_token"]

    def role_credentials_of(self, key_id):
        return next(c for c in self.emu.issued()["role_credentials"] if c["access_key_id"] == key_id)

    def run_ok(self, argv, cwd=None):
        r = subprocess.run(argv, env=self.env(), capture_output=True, text=True, timeout=60,
                           cwd=cwd or "/")
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        return r.stdout

    def test_the_file_is_token_only(self):
        name = hashlib.sha1(b"demo").hexdigest() + ".json"
        with open(os.path.join(self.daemon.home, ".aws", "sso", "cache", name)) as f:
            j = json.load(f)
        self.assertEqual(sorted(j), ["accessToken", "expiresAt", "region", "startUrl"])
        self.assertEqual(j["accessToken"], self.daemon_token())

    def test_botocore(self):
        out = self.run_ok([sys.executable, "-c",
                           "import botocore.session\n"
                           "c = botocore.session.Session(profile='interop').get_credentials()\n"
                           "print(c.get_frozen_credentials().access_key)\n"])
        creds = self.role_credentials_of(out.strip())
        self.assertEqual(creds["access_token"], self.daemon_token())
        self.assertEqual(creds["role_name"], "DeveloperAccess")

    @unittest.skipUnless(os.path.exists("/usr/lib/python3/dist-packages/awscli/botocore/tokens.py"),
                         "AWS CLI v2 (Debian awscli) is not installed")
    def test_aws_cli_v2(self):
        out = self.run_ok([AWS_V2_PYTHON, "-c",
                           "from awscli.botocore.session import Session\n"
                           "from awscli.botocore.tokens import SSOTokenProvider\n"
                           "s = Session(profile='interop')\n"
                           "print(SSOTokenProvider(s).load_token().get_frozen_token().token)\n"])
        self.assertEqual(out.strip(), self.daemon_token())

    def test_javascript_v3(self):
        js = os.path.join(HERE, "js")
        if not shutil.which("node") or not os.path.isdir(
                os.path.join(js, "node_modules", "@aws-sdk", "credential-providers")):
            self.skipTest("node or tests/interop/js/node_modules (npm ci) is missing")
        out = self.run_ok(["node", "--input-type=module", "-e", JS_SSO], cwd=js)
        creds = self.role_credentials_of(json.loads(out)["access_key_id"])
        self.assertEqual(creds["access_token"], self.daemon_token())


if __name__ == "__main__":
    unittest.main()
