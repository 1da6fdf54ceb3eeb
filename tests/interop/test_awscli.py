"""Interop matrix, the AWS CLIs (one-shot, so no long-running column):
  AWS CLI v2 — Debian's awscli at /usr/bin/aws (another `aws` may come first on PATH):
     `aws configure export-credentials --format process` (key id and expiry as the CLI
     resolved them) and `aws sts get-caller-identity --endpoint-url MOTO` (a signed request);
  AWS CLI v1 — pip's awscli next to this python3: `aws configure list` (the last four
     characters of the key id, the provider type) and `aws sts get-caller-identity`.
Every cell runs in exactly the environment `ssocred env` prints (or the credential_process
profile). A cell the client cannot pass because its own source lacks the feature is n/a with
that evidence; a client that is not installed is skipped with the reason printed."""
import datetime
import json
import os
import subprocess
import sys
import unittest

from interop_harness import (ENDPOINTS, MatrixCase, base_versions, command_version,
                             lacks_feature, module_table, parse_time, source_evidence)

TABLE = module_table("awscli")
AWS_V2 = "/usr/bin/aws"
AWS_V1 = os.path.join(os.path.dirname(sys.executable), "aws")
V2_ROW = "AWS CLI v2 (export-credentials + sts)"
V1_ROW = "AWS CLI v1 (sts)"
# Where CLI v2 implements its container provider (its own botocore copy).
V2_CREDENTIALS_SOURCE = "/usr/lib/python3/dist-packages/awscli/botocore/credentials.py"


def cli_status(path, major):
    if not os.access(path, os.X_OK):
        return None, f"{path} is not installed"
    version = command_version([path, "--version"])
    if not version.startswith(f"aws-cli/{major}."):
        return None, f"{path} is not AWS CLI v{major} ({version})"
    return version, None


V2_VERSION, V2_MISSING = cli_status(AWS_V2, 2)
V1_VERSION, V1_MISSING = cli_status(AWS_V1, 1)


def tearDownModule():
    base_versions(TABLE)
    if V2_VERSION:
        TABLE.version("AWS CLI v2 (Debian awscli)", V2_VERSION)
    if V1_VERSION:
        TABLE.version("AWS CLI v1 (pip awscli)", V1_VERSION)
    TABLE.save_and_print()


def skip_row(row, reason):
    sys.stderr.write(f"\nSKIP {row}: {reason}\n")
    for column in ENDPOINTS:
        TABLE.record(row, column, "skip", reason)


if V2_MISSING:
    skip_row(V2_ROW, V2_MISSING)
if V1_MISSING:
    skip_row(V1_ROW, V1_MISSING)


def run(argv, env):
    env = dict(env, AWS_PAGER="")
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)


class CliCells(MatrixCase):
    table = TABLE

    def error(self, what, r):
        tail = (r.stderr.strip().splitlines() or ["(no stderr)"])[-1]
        return f"{what} exit {r.returncode}: {self.stack.redact(tail)[:300]}"

    def caller_arn(self, aws, env):
        """The Arn of a signed GetCallerIdentity on moto, or (None, error)."""
        if self.stack.moto_missing:
            return None, None
        r = run([aws, "sts", "get-caller-identity", "--endpoint-url", self.stack.moto.url,
                 "--output", "json"], env)
        if r.returncode != 0:
            return None, self.error("sts get-caller-identity", r)
        return json.loads(r.stdout)["Arn"], None

    def v2_line(self, env):
        r = run([AWS_V2, "configure", "export-credentials", "--format", "process"], env)
        if r.returncode != 0:
            return {"error": self.error("configure export-credentials", r)}
        creds = json.loads(r.stdout)  # holds secrets: only the key id and expiry are kept
        expiration = creds.get("Expiration")
        exp = parse_time(expiration)
        line = {"access_key_id": creds.get("AccessKeyId"), "expiration": expiration,
                "expired_at_use": bool(exp and exp <= datetime.datetime.now(
                    datetime.timezone.utc)), "error": None}
        line["caller_arn"], line["error"] = self.caller_arn(AWS_V2, env)
        return line

    @unittest.skipIf(V2_MISSING, V2_MISSING)
    def test_aws_cli_v2(self):
        # (`ssocred env --imds` prints the origin with a trailing '/' because this CLI's
        # botocore copy appends "latest/api/token" to it with no separator.)
        lacks = {"container-token-file": lacks_feature(V2_CREDENTIALS_SOURCE)}
        for column, (_, role, _) in ENDPOINTS.items():
            with self.subTest(client=V2_ROW, endpoint=column):
                env = self.stack.env_for(column)
                problems = self.stack.check_line(self.v2_line(env), role)
                problems = self.record(V2_ROW, column, problems, lacks.get(column))
                self.assertEqual(problems, [], f"{V2_ROW} × {column}")

    @unittest.skipIf(V1_MISSING, V1_MISSING)
    def test_aws_cli_v1(self):
        for column, (_, role, _) in ENDPOINTS.items():
            with self.subTest(client=V1_ROW, endpoint=column):
                problems = self.v1_problems(self.stack.env_for(column), role)
                self.record(V1_ROW, column, problems)
                if not problems:
                    # The CLI v1 has no command that shows the full key id or the expiry.
                    TABLE.record(V1_ROW, column, "pass",
                                 "key id checked by its last 4 characters (`aws configure "
                                 "list` masks the rest) and by moto accepting the signature; "
                                 "the expiry is not shown by any CLI v1 command (its "
                                 "botocore is the botocore of the rows above)")
                self.assertEqual(problems, [], f"{V1_ROW} × {column}")

    def v1_problems(self, env, role):
        r = run([AWS_V1, "configure", "list"], env)
        if r.returncode != 0:
            return [self.error("configure list", r)]
        row = next((l.split() for l in r.stdout.splitlines()
                    if l.strip().startswith("access_key")), None)
        if not row or len(row) < 3 or row[1] == "<not":
            return [f"configure list shows no access key (row {row})"]
        suffix = row[1].lstrip("*")
        if len(suffix) != 4:
            return [f"unexpected masked key {row[1]!r}"]
        issued = [c for c in self.stack.issued()
                  if c["role_name"] == role and c["access_key_id"].endswith(suffix)]
        problems = [] if issued else [f"no key issued for {role} ends with {suffix}"]
        arn, error = self.caller_arn(AWS_V1, env)
        if error:
            problems.append(error)
        elif not self.stack.moto_missing:
            want = issued[0]["assumed_role_arn"] if issued else None
            if arn != want:
                problems.append(f"signed request: caller {arn!r}, expected {want!r}")
        return problems


if __name__ == "__main__":
    unittest.main()
