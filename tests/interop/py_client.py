"""The botocore client of the interop matrix, on the same contract as the JavaScript and Go
programs (tests/interop/js/client.mjs, tests/interop/go): the same flags, one JSON object
per line on stdout, exit 0 / 1 / 2 (usage) / 3 (unsupported provider).

    python3 py_client.py --provider chain|container|imds|process
                         [--sts-endpoint URL] [--region R] [--duration S --interval S]

Credentials come from botocore exactly as an application gets them, configured only by the
environment `ssocred env` prints:
  chain      botocore.session.get_session().get_credentials() (the default chain)
  container  the chain's own ContainerProvider  ("container-role")
  imds       the chain's own InstanceMetadataProvider ("iam-role")
  process    the chain's own ProcessProvider ("custom-process", AWS_PROFILE's
             credential_process)
  http       botocore has no such provider: exit 3.
The providers are taken from the session's resolver, so they carry the configuration
botocore derives from the environment (endpoint, timeouts, token file); nothing is
weakened. Never prints a secret key or session token.
"""
import argparse
import datetime
import json
import sys
import time

import botocore
import botocore.session

PROVIDER_NAMES = {"container": "container-role", "imds": "iam-role", "process": "custom-process"}


def parse_args(argv):
    p = argparse.ArgumentParser(prog="py_client.py")
    p.add_argument("--provider", required=True,
                   choices=["chain", "container", "http", "imds", "process"])
    p.add_argument("--sts-endpoint")
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--duration", type=float)
    p.add_argument("--interval", type=float)
    a = p.parse_args(argv)
    if (a.duration is None) != (a.interval is None):
        p.error("--duration and --interval go together")
    if a.interval is not None and a.interval <= 0:
        p.error("--interval must be greater than 0")
    return a


def rfc3339(dt):
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class Client:
    """One botocore session, one credentials object, one STS client: what a long-running
    application holds. resolve() is one use of the credentials."""

    def __init__(self, provider, sts_endpoint, region):
        self.session = botocore.session.get_session()
        if provider == "chain":
            self.credentials = self.session.get_credentials()
        else:
            resolver = self.session.get_component("credential_provider")
            self.credentials = resolver.get_provider(PROVIDER_NAMES[provider]).load()
        if self.credentials is None:
            raise RuntimeError(f"botocore's {provider} provider found no credentials")
        # The session's own credentials are what clients sign with; for a single provider
        # hand its (refreshable) credentials object to the session the same way.
        self.session._credentials = self.credentials
        self.sts = None
        if sts_endpoint:
            self.sts = self.session.create_client("sts", endpoint_url=sts_endpoint,
                                                  region_name=region)

    def resolve(self):
        frozen = self.credentials.get_frozen_credentials()
        # RefreshableCredentials keeps the expiry it parsed; static ones have none.
        expiry = getattr(self.credentials, "_expiry_time", None)
        now = datetime.datetime.now(datetime.timezone.utc)
        line = {"access_key_id": frozen.access_key,
                "expiration": rfc3339(expiry),
                "expired_at_use": bool(expiry is not None and expiry <= now),
                "caller_arn": None, "error": None,
                "sdk_version": f"botocore {botocore.__version__}",
                "method": self.credentials.method}
        if self.sts:
            line["caller_arn"] = self.sts.get_caller_identity()["Arn"]
        return line


def error_line(e):
    # Exception texts from botocore name operations and codes, never secrets.
    return {"access_key_id": None, "expiration": None, "expired_at_use": False,
            "caller_arn": None, "error": f"{type(e).__name__}: {e}",
            "sdk_version": f"botocore {botocore.__version__}"}


def main(argv):
    args = parse_args(argv)
    if args.provider == "http":
        print(json.dumps({"error": "unsupported: botocore has no fromHttp-style provider"}))
        return 3
    ok = True
    try:
        client = Client(args.provider, args.sts_endpoint, args.region)
    except Exception as e:  # noqa: BLE001 - reported as the contract's error line
        print(json.dumps(error_line(e)), flush=True)
        return 1
    deadline = time.monotonic() + (args.duration or 0)
    while True:
        try:
            line = client.resolve()
        except Exception as e:  # noqa: BLE001
            line = error_line(e)
        ok = ok and line["error"] is None and not line["expired_at_use"]
        print(json.dumps(line), flush=True)
        if args.duration is None or time.monotonic() + args.interval > deadline:
            break
        time.sleep(args.interval)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
