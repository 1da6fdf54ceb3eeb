#!/usr/bin/env bash
# bench/cli_latency.sh: what `ssocred credential-process` and `ssocred env` cost on top of
# starting a process (issue #18; docs/performance.md "CLI latency").
#
#   bench/cli_latency.sh [--runs 40] [--json FILE]
#
# Starts the emulator and a logged-in daemon with an active role (as bench/bench.py does),
# then runs `/bin/true`, `ssocred credential-process --profile bench`, `ssocred env` and
# `ssocred env --imds` (no token minted) --runs times each, interleaved (one of each per
# round, the order rotating), and prints the median wall time of each, its difference to
# /bin/true, and how many control-socket requests one run of each makes (from the daemon's
# /metrics). Binaries come from
# $SSOCRED_BENCH_BUILD (default build/bench; bench/run.sh builds them there); nothing is
# built here. It reports; it never fails on the numbers.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export SSOCRED_SOURCE_DIR=${SSOCRED_SOURCE_DIR:-$(dirname "$here")}
export SSOCRED_BENCH_BUILD=${SSOCRED_BENCH_BUILD:-$SSOCRED_SOURCE_DIR/build/bench}
export PYTHONDONTWRITEBYTECODE=1
exec python3 - "$@" <<'PY'
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SOURCE = os.environ["SSOCRED_SOURCE_DIR"]
BUILD = os.environ["SSOCRED_BENCH_BUILD"]
BIN = {
    "ssocredd": os.path.join(BUILD, "daemon", "ssocredd"),
    "ssocred": os.path.join(BUILD, "client", "ssocred"),
    "emulator": os.path.join(BUILD, "tests", "emulator", "ssocred-emulator"),
}
for _path in BIN.values():
    if not os.path.exists(_path):
        sys.exit(f"cli_latency: missing {_path}: build ssocredd ssocred ssocred-emulator "
                 f"in {BUILD}")
os.environ.setdefault("SSOCREDD", BIN["ssocredd"])
os.environ.setdefault("SSOCRED", BIN["ssocred"])
os.environ.setdefault("SSOCRED_EMULATOR", BIN["emulator"])
sys.path.insert(0, os.path.join(SOURCE, "tests", "lib"))

from daemon_harness import Daemon  # noqa: E402
from ssocred_testlib import Emulator  # noqa: E402

ACTIVE = ("111111111111", "DeveloperAccess")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def control_requests(daemon):
    """ssocred_requests_total{endpoint="control"}, all statuses."""
    status, text = daemon.control("GET", "/metrics", raw=True)
    assert status == 200, status
    total = 0
    for line in text.decode().splitlines():
        m = re.match(r'ssocred_requests_total\{endpoint="control"[^}]*\}\s+(\d+)', line)
        if m:
            total += int(m.group(1))
    return total


def main():
    ap = argparse.ArgumentParser(description="CLI latency over /bin/true (docs/performance.md)")
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--json", default=None, help="also write the results here")
    a = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="ssocred-cli-latency-")
    emu = daemon = None
    try:
        cfg = os.path.join(tmp, "emulator.json")
        with open(cfg, "w") as f:
            json.dump({"accounts": [{"account_id": ACTIVE[0], "roles": [ACTIVE[1]]}],
                       "role_ttl": 3600, "access_token_ttl": 28800}, f)
        emu = Emulator("--config", cfg, "--approve-after", "0", "--device-interval", "0")
        emu.start()
        profiles = {"bench": {"sso_session": "demo", "sso_account_id": ACTIVE[0],
                              "sso_role_name": ACTIVE[1], "region": "eu-west-1"}}
        daemon = Daemon(emu.url, tmpdir=os.path.join(tmp, "d"),
                        extra_args=("--log-level", "info"), config_profiles=profiles)
        daemon.start()
        daemon.login()
        daemon.cli("use", "bench", check=True)

        env = dict(daemon.env)
        env.pop("AWS_PROFILE", None)
        commands = {
            "/bin/true": ["/bin/true"],
            "credential-process": [BIN["ssocred"], "credential-process", "--profile", "bench"],
            "env": [BIN["ssocred"], "env"],
            # No token minted: what env costs without the daemon recording a token (a
            # journal append, its fsync left to a worker: docs/storage.md).
            "env --imds": [BIN["ssocred"], "env", "--imds"],
        }
        # Each command works (and warms the daemon's cache), and makes how many requests?
        requests = {}
        for name, argv in commands.items():
            before = control_requests(daemon)
            r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
            if r.returncode != 0:
                sys.exit(f"cli_latency: {' '.join(argv)} -> {r.returncode}: {r.stderr}")
            requests[name] = control_requests(daemon) - before - 1  # minus our /metrics GET
        names = list(commands)
        times = {n: [] for n in names}
        for i in range(a.runs):
            for k in range(len(names)):
                name = names[(i + k) % len(names)]
                t0 = time.perf_counter_ns()
                subprocess.run(commands[name], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, check=True)
                times[name].append((time.perf_counter_ns() - t0) / 1e6)
    finally:
        if daemon:
            daemon.stop()
        if emu:
            emu.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    base = statistics.median(times["/bin/true"])
    res = {"runs": a.runs, "commands": {}}
    print(f"CLI latency: median of {a.runs} interleaved runs (ms)")
    print("| command | median | over /bin/true | control requests |")
    print("|---|---:|---:|---:|")
    for name in names:
        med = statistics.median(times[name])
        res["commands"][name] = {"median_ms": med, "over_true_ms": med - base,
                                 "requests": requests[name], "samples_ms": times[name]}
        over = "" if name == "/bin/true" else f"+{med - base:.2f}"
        req = "" if name == "/bin/true" else str(requests[name])
        label = " ".join(["ssocred", *commands[name][1:]]) if name != "/bin/true" else name
        print(f"| `{label}` | {med:.2f} | {over} | {req} |")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)


main()
PY
