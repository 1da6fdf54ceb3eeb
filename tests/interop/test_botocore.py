"""Interop matrix, botocore (the reference Python client, via py_client.py on the shared
client contract): the default chain on every endpoint, the chain's ContainerProvider and
InstanceMetadataProvider on theirs, a long-running session across renewals, and the
negative control (a tampered secret is refused by moto)."""
import os
import unittest

import botocore

from interop_harness import (ENDPOINTS, MatrixCase, base_versions, module_table,
                             python_client_argv, run_contract_client)

TABLE = module_table("botocore")
CONTAINER_ENDPOINTS = ["container-token", "container-token-file", "profile-uri"]


def tearDownModule():
    base_versions(TABLE)
    TABLE.save_and_print()


class BotocoreCells(MatrixCase):
    table = TABLE

    def test_default_chain(self):
        self.run_cells("botocore default chain", python_client_argv(), "chain", list(ENDPOINTS))

    def test_container_provider(self):
        self.run_cells("botocore ContainerProvider", python_client_argv(), "container",
                       CONTAINER_ENDPOINTS)

    def test_instance_metadata_provider(self):
        self.run_cells("botocore InstanceMetadataProvider", python_client_argv(), "imds",
                       ["imds"])

    def test_tampered_secret_is_refused_by_moto(self):
        """Negative control: the cells mean something only if moto refuses a request signed
        with a wrong secret (or a wrong session token) for a key it issued."""
        if self.stack.moto_missing:
            self.skipTest(self.stack.moto_missing)
        env = self.stack.env_for("container-token")
        good = run_contract_client(python_client_argv("--provider", "chain", *self.sts_args()),
                                   env)
        self.assertEqual(good.returncode, 0, self.stack.redact(str(good.lines)))
        self.assertEqual(self.stack.check_line(good.lines[0], "InteropAdmin"), [])
        rec = self.stack.issued_record(good.lines[0]["access_key_id"])
        secret, token = rec["secret_access_key"], rec["session_token"]
        flipped = lambda s: s[:-1] + ("A" if s[-1] != "A" else "B")  # noqa: E731
        outcomes = {}
        for name, (s, t) in {"wrong secret": (flipped(secret), token),
                             "wrong session token": (secret, flipped(token))}.items():
            bad_env = dict(self.stack.bare_env(), AWS_ACCESS_KEY_ID=rec["access_key_id"],
                           AWS_SECRET_ACCESS_KEY=s, AWS_SESSION_TOKEN=t)
            run = run_contract_client(python_client_argv("--provider", "chain",
                                                         *self.sts_args()), bad_env)
            self.assertNotEqual(run.returncode, 0, f"{name}: moto accepted it")
            error = self.stack.redact(run.lines[0].get("error") or "")
            outcomes[name] = error
        self.assertIn("SignatureDoesNotMatch", outcomes["wrong secret"])
        self.assertIn("InvalidClientTokenId", outcomes["wrong session token"])
        TABLE.note("negative control (botocore, keys in AWS_* variables): a wrong secret key → "
                   "moto `SignatureDoesNotMatch`; a wrong session token → "
                   "`InvalidClientTokenId`; the same key id with the right secret and token "
                   "is accepted")


class BotocoreLongRunning(MatrixCase):
    table = TABLE
    role_ttl = 30

    def test_session_keeps_working_across_renewals(self):
        self.run_long_running("botocore default chain", python_client_argv())


if __name__ == "__main__":
    unittest.main()
