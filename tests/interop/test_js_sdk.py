"""Interop matrix, AWS SDK for JavaScript v3 (tests/interop/js/client.mjs, the shared client
contract): fromNodeProviderChain on every endpoint, fromContainerMetadata and fromHttp on the
container endpoints, fromInstanceMetadata on IMDS, and one long-running provider across
renewals. Skipped (with the reason printed) only when node or the pinned SDK cannot be
installed on the machine."""
import os
import shutil
import sys
import unittest

from interop_harness import (ENDPOINTS, HERE, MatrixCase, base_versions, command_version,
                             js_client_status, lacks_feature, module_table)

TABLE = module_table("javascript")
CONTAINER_ENDPOINTS = ["container-token", "container-token-file", "profile-uri"]
ROWS = {
    "JS v3 fromNodeProviderChain": ("chain", list(ENDPOINTS)),
    "JS v3 fromContainerMetadata": ("container", CONTAINER_ENDPOINTS),
    "JS v3 fromHttp": ("http", CONTAINER_ENDPOINTS),
    "JS v3 fromInstanceMetadata": ("imds", ["imds"]),
}
ARGV, MISSING = js_client_status()
# fromContainerMetadata is implemented here; only fromHttp (and the chain, which uses
# fromHttp for a full URI) reads AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE.
IMDS_PACKAGE_SOURCE = os.path.join(HERE, "js", "node_modules", "@smithy",
                                   "credential-provider-imds", "dist-cjs", "index.js")


def tearDownModule():
    base_versions(TABLE)
    if shutil.which("node"):
        TABLE.version("node", command_version(["node", "--version"]))
    TABLE.save_and_print()


def skip_everything(reason):
    sys.stderr.write(f"\nSKIP JavaScript SDK cells: {reason}\n")
    for client, (_, columns) in ROWS.items():
        for column in columns + (["long-running"] if client.endswith("Chain") else []):
            TABLE.record(client, column, "skip", reason)


if MISSING:
    skip_everything(MISSING)


@unittest.skipIf(MISSING, MISSING)
class JsCells(MatrixCase):
    table = TABLE

    def run_row(self, client, lacks=None):
        provider, columns = ROWS[client]
        runs = self.run_cells(client, ARGV, provider, columns, lacks=lacks)
        for run in runs.values():
            for line in run.lines:
                if line.get("sdk_version"):
                    TABLE.version("AWS SDK for JavaScript v3", line["sdk_version"])

    def test_from_node_provider_chain(self):
        self.run_row("JS v3 fromNodeProviderChain")

    def test_from_container_metadata(self):
        self.run_row("JS v3 fromContainerMetadata",
                     lacks={"container-token-file": lacks_feature(IMDS_PACKAGE_SOURCE)})

    def test_from_http(self):
        self.run_row("JS v3 fromHttp")

    def test_from_instance_metadata(self):
        self.run_row("JS v3 fromInstanceMetadata")


@unittest.skipIf(MISSING, MISSING)
class JsLongRunning(MatrixCase):
    table = TABLE
    role_ttl = 30

    def test_provider_chain_keeps_working_across_renewals(self):
        self.run_long_running("JS v3 fromNodeProviderChain", ARGV)


if __name__ == "__main__":
    unittest.main()
