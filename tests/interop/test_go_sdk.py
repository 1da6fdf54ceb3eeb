"""Interop matrix, AWS SDK for Go v2 (tests/interop/go, built offline from Debian's
golang-github-aws-aws-sdk-go-v2-dev; the shared client contract): config.LoadDefaultConfig
and Credentials.Retrieve on every endpoint, and one long-running config across renewals.
Skipped (with the reason printed) only when go or the Debian SDK is not installed; a build
failure is a failure."""
import shutil
import subprocess
import sys
import unittest

from interop_harness import (ENDPOINTS, MatrixCase, base_versions, command_version,
                             go_client_status, lacks_feature, module_table)

TABLE = module_table("go")
CLIENT = "Go v2 LoadDefaultConfig"
# Where the SDK's default config reads the container variables.
ENV_CONFIG_SOURCE = "/usr/share/gocode/src/github.com/aws/aws-sdk-go-v2/config/env_config.go"


def tearDownModule():
    base_versions(TABLE)
    if shutil.which("go"):
        TABLE.version("go", command_version(["go", "version"]))
    try:
        pkg = subprocess.run(["dpkg-query", "-W", "-f=${Version}",
                              "golang-github-aws-aws-sdk-go-v2-dev"], capture_output=True,
                             text=True, timeout=30).stdout.strip()
        if pkg:
            TABLE.version("golang-github-aws-aws-sdk-go-v2-dev (Debian)", pkg)
    except (OSError, subprocess.SubprocessError):
        pass
    TABLE.save_and_print()


class GoMatrix(MatrixCase):
    table = TABLE

    @classmethod
    def setUpClass(cls):
        cls.argv, cls.missing = go_client_status()  # builds the program once
        if cls.missing:
            sys.stderr.write(f"\nSKIP Go SDK cells: {cls.missing}\n")
            for column in list(ENDPOINTS) + ["long-running"]:
                TABLE.record(CLIENT, column, "skip", cls.missing)
            raise unittest.SkipTest(cls.missing)
        super().setUpClass()


class GoCells(GoMatrix):
    def test_load_default_config(self):
        runs = self.run_cells(CLIENT, self.argv, "chain", list(ENDPOINTS),
                              lacks={"container-token-file": lacks_feature(ENV_CONFIG_SOURCE)})
        for run in runs.values():
            for line in run.lines:
                if line.get("sdk_version"):
                    TABLE.version("AWS SDK for Go v2", line["sdk_version"])


class GoLongRunning(GoMatrix):
    role_ttl = 30

    def test_default_config_keeps_working_across_renewals(self):
        self.run_long_running(CLIENT, self.argv)


if __name__ == "__main__":
    unittest.main()
