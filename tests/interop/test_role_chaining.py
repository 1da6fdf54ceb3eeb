"""Role chaining end to end (issue 14): a profile with role_arn + source_profile is served
like an SSO profile. The daemon gets the source SSO role's keys from the emulator (which
mints them as real moto keys with --sts-endpoint), then calls STS AssumeRole on moto_server
(AWS_ENDPOINT_URL_STS) signed with them. moto checks every signature, the source role's
permission policy, and the chained role's trust policy (principal and sts:ExternalId).

A botocore client reading the container endpoint gets the chained role's keys, and its
signed GetCallerIdentity is accepted by moto as the assumed chained role; so are the keys
`ssocred use` + /v1/credentials, the control API and `credential-process --profile` give.
Secrets never reach output: failures print key ids and ARNs only."""
import json
import os
import re
import shutil
import subprocess
import unittest

from daemon_harness import SSOCRED, Daemon
from interop_harness import ACCOUNT, MOTO_SERVER, REGION, SESSION_NAME, SETUP_USER, Moto, \
    python_client_argv, run_contract_client
from ssocred_testlib import Emulator, Process, free_tmpdir

SOURCE_ROLE = "InteropAdmin"
CHAINED_ROLE = "Chained"
EXTERNAL_ID = "ext-42"
CHAINED_ARN = f"arn:aws:iam::{ACCOUNT}:role/{CHAINED_ROLE}"

PROFILES = {
    "sso": {"sso_session": "demo", "sso_account_id": ACCOUNT, "sso_role_name": SOURCE_ROLE,
            "region": REGION},
    "chained": {"role_arn": CHAINED_ARN, "source_profile": "sso",
                "role_session_name": "chain-test", "external_id": EXTERNAL_ID,
                "duration_seconds": "900", "region": REGION},
    # No role_session_name: ssocred names the session ssocred-<epoch seconds>.
    "chained-default": {"role_arn": CHAINED_ARN, "source_profile": "sso",
                        "external_id": EXTERNAL_ID},
    "wrong-external-id": {"role_arn": CHAINED_ARN, "source_profile": "sso",
                          "external_id": "not-it"},
    "mfa": {"role_arn": CHAINED_ARN, "source_profile": "sso",
            "mfa_serial": f"arn:aws:iam::{ACCOUNT}:mfa/alice"},
    "ec2": {"role_arn": CHAINED_ARN, "credential_source": "Ec2InstanceMetadata"},
    "loop": {"role_arn": CHAINED_ARN, "source_profile": "loop"},
}


class ChainMoto(Moto):
    """moto_server whose set-up creates the emulator's IAM user, the SSO role (allowed to
    assume the chained role) and the chained role (trusting the SSO role's session, with
    an external id condition). Signature checking is on after those six calls."""

    SETUP_CALLS = 6  # CreateUser, PutUserPolicy, CreateAccessKey, CreateRole x2, PutRolePolicy

    def __init__(self, tmpdir):  # pylint: disable=super-init-not-called
        self.roles = [SOURCE_ROLE, CHAINED_ROLE]
        self.setup_calls = self.SETUP_CALLS
        self.process = Process([MOTO_SERVER, "-H", "127.0.0.1", "-p", "0"], name="moto",
                               tmpdir=tmpdir,
                               env={"INITIAL_NO_AUTH_ACTION_COUNT": str(self.setup_calls),
                                    "MOTO_PORT": None, "MOTO_ACCOUNT_ID": None,
                                    "AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None,
                                    "AWS_SESSION_TOKEN": None})
        self.url = None
        self.key = None

    def _set_up_principals(self):
        iam = self.client("iam", "AKIASETUPSETUPSETUP0", "setup")
        user = iam.create_user(UserName=SETUP_USER)["User"]
        allow_assume = lambda resource: json.dumps({  # noqa: E731
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": resource}]})
        iam.put_user_policy(UserName=SETUP_USER, PolicyName="assume-source",
                            PolicyDocument=allow_assume(f"arn:aws:iam::{ACCOUNT}:role/*"))
        key = iam.create_access_key(UserName=SETUP_USER)["AccessKey"]
        iam.create_role(RoleName=SOURCE_ROLE, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                           "Principal": {"AWS": user["Arn"]}}]}))
        source_session = f"arn:aws:sts::{ACCOUNT}:assumed-role/{SOURCE_ROLE}/{SESSION_NAME}"
        iam.create_role(RoleName=CHAINED_ROLE, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                           "Principal": {"AWS": source_session},
                           "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}}]}))
        iam.put_role_policy(RoleName=SOURCE_ROLE, PolicyName="chain",
                            PolicyDocument=allow_assume(CHAINED_ARN))
        self.key = (key["AccessKeyId"], key["SecretAccessKey"])
        try:
            iam.list_users()
        except Exception as e:  # noqa: BLE001
            if "InvalidClientTokenId" not in str(e):
                raise
        else:
            raise RuntimeError("moto_server accepted an unsigned call after set-up")


@unittest.skipUnless(MOTO_SERVER, "moto_server is not installed (pip package moto[server]): "
                                  "no STS stand-in to chain roles on")
class RoleChaining(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = free_tmpdir(prefix="ssocred-chain-")
        cls.moto = cls.emu = cls.daemon = None
        try:
            cls.moto = ChainMoto(os.path.join(cls.tmp, "moto"))
            os.makedirs(cls.moto.process.tmpdir)
            cls.moto.start()
            catalog = os.path.join(cls.tmp, "catalog.json")
            with open(catalog, "w") as f:
                json.dump({"accounts": [{"account_id": ACCOUNT, "account_name": "Chain",
                                         "roles": [SOURCE_ROLE]}]}, f)
            cls.emu = Emulator("--approve-after", "0", "--device-interval", "0",
                               "--config", catalog, "--sts-endpoint", cls.moto.url,
                               "--sts-region", REGION,
                               env={"AWS_ACCESS_KEY_ID": cls.moto.key[0],
                                    "AWS_SECRET_ACCESS_KEY": cls.moto.key[1],
                                    "AWS_SESSION_TOKEN": None})
            cls.emu.start()
            cls.daemon = Daemon(cls.emu.url, tmpdir=os.path.join(cls.tmp, "daemon"),
                                config_profiles=PROFILES,
                                env={"AWS_ENDPOINT_URL_STS": cls.moto.url})
            os.makedirs(cls.daemon.tmp, exist_ok=True)
            cls.daemon.start(timeout=60)
            cls.daemon.login()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for part in (cls.daemon, cls.emu, cls.moto):
            if part is None:
                continue
            try:
                part.close() if isinstance(part, Daemon) else part.stop()
            except Exception:  # noqa: BLE001 - keep stopping the others
                pass
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # -- helpers ----------------------------------------------------------------------------
    def bare_env(self):
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.daemon.home,
                "XDG_RUNTIME_DIR": self.daemon.runtime, "LANG": "C.UTF-8",
                "SSOCRED_SOCKET": self.daemon.socket}

    def env_from_ssocred(self, *args):
        """`eval "$(ssocred env ARGS --shell sh)"` on a bare environment."""
        script = ('out=$("$SSOCRED_BIN" ' + " ".join(f"'{a}'" for a in args) +
                  ' --shell sh) || exit 97; eval "$out"; unset SSOCRED_BIN; exec env -0')
        r = subprocess.run(["sh", "-c", script], env=dict(self.bare_env(), SSOCRED_BIN=SSOCRED),
                           capture_output=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace")[-2000:])
        env = {}
        for item in r.stdout.split(b"\0"):
            if b"=" in item:
                k, v = item.decode().split("=", 1)
                env[k] = v
        for k in ("PWD", "SHLVL", "_"):
            env.pop(k, None)
        return env

    def botocore_reads(self, env):
        """The botocore ContainerProvider's report: access key id and moto's caller ARN."""
        run = run_contract_client(python_client_argv("--provider", "container",
                                                     "--sts-endpoint", self.moto.url,
                                                     "--region", REGION), env)
        self.assertEqual(run.returncode, 0, (run.lines, run.stderr[-2000:]))
        self.assertEqual(len(run.lines), 1, run.lines)
        line = run.lines[0]
        self.assertFalse(line.get("error"), line)
        return line

    def source_key_ids(self):
        return {c["access_key_id"] for c in self.emu.issued()["role_credentials"]}

    def assert_chained_arn(self, arn, session="chain-test"):
        self.assertEqual(arn, f"arn:aws:sts::{ACCOUNT}:assumed-role/{CHAINED_ROLE}/{session}")

    # -- the contract -----------------------------------------------------------------------
    def test_container_endpoint_of_the_chained_profile(self):
        env = self.env_from_ssocred("env", "--profile", "chained")
        self.assertIn("/v1/profiles/chained/credentials",
                      env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI", ""))
        line = self.botocore_reads(env)
        self.assert_chained_arn(line["caller_arn"])
        # Not a key of the SSO role: the emulator never issued it.
        self.assertNotIn(line["access_key_id"], self.source_key_ids())
        self.assertFalse(line.get("expired_at_use"))

        # The control API serves the same cached credentials (one cache entry per profile).
        status, body = self.daemon.control("GET", "/v1/credentials?profile=chained")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["AccessKeyId"], line["access_key_id"])
        self.assertEqual(body["AccountId"], ACCOUNT)
        self.assert_chained_arn(self.moto.caller_arn(body["AccessKeyId"], body["SecretAccessKey"],
                                                     body["SessionToken"]))
        # Neither the chained keys nor the source role's reach the daemon's (debug) log.
        log = self.daemon.log()
        issued = self.emu.issued()["role_credentials"]
        secrets = [body["SecretAccessKey"], body["SessionToken"]]
        secrets += [c[k] for c in issued for k in ("secret_access_key", "session_token")]
        for value in secrets:
            self.assertNotIn(value, log, "a secret reached the daemon log")

    def test_use_then_active_endpoint(self):
        self.daemon.cli("use", "chained", check=True)
        try:
            status, active = self.daemon.control("GET", "/v1/active")
            self.assertEqual(status, 200, active)
            self.assertEqual(active["active"]["profile"], "chained")
            line = self.botocore_reads(self.env_from_ssocred("env"))
            self.assert_chained_arn(line["caller_arn"])
        finally:
            self.daemon.cli("use", "sso", check=True)

    def test_credential_process_with_the_default_session_name(self):
        r = self.daemon.cli("credential-process", "--profile", "chained-default")
        self.assertEqual(r.returncode, 0, r.stderr)
        c = json.loads(r.stdout)
        self.assertEqual(c["Version"], 1)
        arn = self.moto.caller_arn(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
        self.assertRegex(arn, re.escape(f"assumed-role/{CHAINED_ROLE}/") + r"ssocred-\d{10}$")

    def test_the_sso_profile_still_gets_the_source_role(self):
        line = self.botocore_reads(self.env_from_ssocred("env", "--profile", "sso"))
        self.assertEqual(line["caller_arn"],
                         f"arn:aws:sts::{ACCOUNT}:assumed-role/{SOURCE_ROLE}/{SESSION_NAME}")

    def test_sts_refusal_is_reported(self):
        r = self.daemon.cli("credential-process", "--profile", "wrong-external-id")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("AccessDenied", r.stderr)
        self.assertIn(CHAINED_ARN, r.stderr)

    def test_unsupported_keys_are_named(self):
        for profile, key in (("mfa", "mfa_serial"), ("ec2", "credential_source")):
            r = self.daemon.cli("credential-process", "--profile", profile)
            self.assertNotEqual(r.returncode, 0, profile)
            self.assertIn(key, r.stderr, profile)
            self.assertNotIn("has no SSO role", r.stderr, profile)
        r = self.daemon.cli("credential-process", "--profile", "loop")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("cycle", r.stderr)


if __name__ == "__main__":
    unittest.main()
