#!/usr/bin/env python3
"""ssocred vs nginx, side by side in one run (issue #8). Driven by bench/run.sh.

Phases (all by default; --only picks some):
  compare  wrk against ssocred and nginx, alternating, several rounds: GET /v1/credentials
           with keep-alive and with Connection: close, and the IMDSv2 pair (PUT token + GET)
  deferred  Connection: close again, against nginx listening with `deferred`
           (TCP_DEFER_ACCEPT, which ssocredd sets on Linux), alternating rounds
  idle     fresh-request latency with 0 / 1,000 / 10,000 idle keep-alive connections and a
           slowloris half-request held open (ssocred and nginx)
  burst    1,000 concurrent fetches of a stale role (one upstream call, checked on the
           emulator's counters); 1,000 concurrent fetches of a cached body (both servers);
           500 short-lived client processes each fetching once (both servers)
  allocs   heap allocations per cached-credential request (LD_PRELOAD counter, own daemon),
           and per `Connection: close` connection (a fixed count of them)
  closepath  the `Connection: close` path per connection, load-independent figures: TCP
           segments (/proc/net/snmp), system calls (strace -c -f on the server, both
           servers) and user-space instructions
           (valgrind --tool=callgrind on a fixed request count, both servers); CPU per
           request and throughput come from `compare`
  memory   RSS / PSS / USS idle, with 100 cached roles, and along 10 million requests; the
           shared objects the idle daemon maps
  startup  exec to READY=1 on a NOTIFY_SOCKET, median of N starts

Everything runs on loopback with ephemeral ports in a temp dir; every process started is
stopped on exit. Results: bench/results/<stamp>/{results.json,report.md,latency.dat} and
the plot (docs/perf-latency.png unless --plot says otherwise).
"""
import argparse
import contextlib
import datetime
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("SSOCRED_BENCH_BUILD", os.path.join(ROOT, "build", "bench"))
BIN = {
    "ssocredd": os.path.join(BUILD, "daemon", "ssocredd"),
    "ssocred": os.path.join(BUILD, "client", "ssocred"),
    "emulator": os.path.join(BUILD, "tests", "emulator", "ssocred-emulator"),
    "loadtool": os.path.join(BUILD, "bench", "ssocred-loadtool"),
    "alloc": os.path.join(BUILD, "bench", "libssocred_alloc_counter.so"),
}
os.environ.setdefault("SSOCREDD", BIN["ssocredd"])
os.environ.setdefault("SSOCRED", BIN["ssocred"])
os.environ.setdefault("SSOCRED_EMULATOR", BIN["emulator"])
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

from daemon_harness import Daemon, http_request  # noqa: E402
from ssocred_testlib import Emulator  # noqa: E402

PERCENTILES = ["50", "75", "90", "99", "99.9", "99.99"]
ACTIVE = ("111111111111", "DeveloperAccess")
STALE_ACCOUNT = "999999999999"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def proc_status(pid):
    """VmRSS, VmHWM, RssAnon, PSS and USS (private memory) of a process, KiB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM", "Threads", "RssAnon", "RssFile"):
                out[k] = int(v.split()[0]) if k != "Threads" else int(v)
    # PSS: shared library pages divided among the processes mapping them.
    with contextlib.suppress(OSError):
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("Pss", "Private_Clean", "Private_Dirty"):
                    out[k] = int(v.split()[0])
    # USS: what the process alone holds, i.e. what stopping it would give back.
    if "Private_Clean" in out and "Private_Dirty" in out:
        out["Uss"] = out["Private_Clean"] + out["Private_Dirty"]
    return out


def cpu_seconds(pid):
    """User + system CPU time of a whole process (all threads), seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # After the ")" of comm: state is field 3, utime 14 and stime 15 (1-based, man proc).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def mapped_objects(pid):
    """The shared objects and executable a process maps, with their resident KiB."""
    out = {}
    current = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = line.split()
            if not head:
                continue
            if "-" in head[0] and len(head) >= 5 and ":" in head[3]:
                path = head[5] if len(head) >= 6 else ""
                current = path if path.startswith("/") and (".so" in path or path.endswith("ssocredd")) else None
                if current:
                    out.setdefault(current, 0)
            elif current and head[0] == "Rss:":
                out[current] += int(head[1])
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


# ---------------------------------------------------------------------------------------
# Servers under test


def emulator_config(path):
    """100 roles over 25 accounts, the active role's account, and never-fetched roles for
    the stale bursts."""
    accounts = [{"account_id": ACTIVE[0], "roles": [ACTIVE[1], "ReadOnlyAccess"]}]
    for a in range(25):
        accounts.append({"account_id": f"1000000000{a:02d}",
                         "roles": [f"BenchRole{r}" for r in range(4)]})
    accounts.append({"account_id": STALE_ACCOUNT, "roles": [f"StaleRole{r}" for r in range(20)]})
    with open(path, "w") as f:
        json.dump({"accounts": accounts, "role_ttl": 3600, "access_token_ttl": 28800}, f)


def hundred_roles():
    return [(f"1000000000{a:02d}", f"BenchRole{r}") for a in range(25) for r in range(4)]


class Ssocred:
    """Emulator + logged-in daemon with the active role cached, pinned to `cpu`."""
    name = "ssocred"

    def __init__(self, tmp, cpu, env=None, label="main", wrapper=None, start_timeout=15):
        self.tmp = os.path.join(tmp, f"ssocred-{label}")
        os.makedirs(self.tmp)
        cfg = os.path.join(self.tmp, "emulator.json")
        emulator_config(cfg)
        self.emu = Emulator("--config", cfg, "--approve-after", "0", "--device-interval", "0")
        self.cpu = cpu
        self.env = env
        self.wrapper = wrapper
        self.start_timeout = start_timeout
        self.daemon = None

    def start(self):
        self.emu.start()
        profiles = {"bench": {"sso_session": "demo", "sso_account_id": ACTIVE[0],
                              "sso_role_name": ACTIVE[1], "region": "eu-west-1"}}
        self.daemon = Daemon(self.emu.url, tmpdir=os.path.join(self.tmp, "d"),
                             extra_args=("--log-level", "info"), config_profiles=profiles,
                             env=self.env, wrapper=self.wrapper)
        self.daemon.start(timeout=self.start_timeout)
        self.pid = self.daemon.proc.pid
        subprocess.run(["taskset", "-a", "-p", "-c", str(self.cpu), str(self.pid)], check=True,
                       capture_output=True)
        self.daemon.login()
        self.daemon.cli("use", "bench", check=True)
        self.host, self.port = self.daemon.http_endpoint()
        self.token = self.daemon.endpoint_info()["token"]
        # Warm: the active role cached, an IMDS token, the exact bodies for nginx.
        st, _, self.container_body = self.get("/v1/credentials")
        assert st == 200, st
        st, _, tok = http_request(self.host, self.port, "PUT", "/latest/api/token",
                                  {"X-aws-ec2-metadata-token-ttl-seconds": "21600"})
        assert st == 200, st
        self.imds_token = tok.decode()
        st, _, self.imds_body = http_request(
            self.host, self.port, "GET", f"/latest/meta-data/iam/security-credentials/{ACTIVE[1]}",
            {"X-aws-ec2-metadata-token": self.imds_token})
        assert st == 200, st
        return self

    def get(self, path):
        return http_request(self.host, self.port, "GET", path, {"Authorization": self.token})

    def fresh_imds_token(self):
        st, _, tok = http_request(self.host, self.port, "PUT", "/latest/api/token",
                                  {"X-aws-ec2-metadata-token-ttl-seconds": "21600"})
        assert st == 200, st
        return tok.decode()

    def url(self, path="/v1/credentials"):
        return f"http://{self.host}:{self.port}{path}"

    def auth_headers(self):
        return [f"Authorization: {self.token}"]

    def server_pid(self):
        return self.pid

    def stop(self):
        if self.daemon:
            self.daemon.stop()
        self.emu.stop()


NGINX_CONF = """
worker_processes 1;
worker_rlimit_nofile 20000;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 19000; }}
http {{
    types {{ }}
    default_type application/json;
    access_log off;
    server_tokens off;
    etag off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    open_file_cache max=64 inactive=60s;
    open_file_cache_valid 60s;
    keepalive_requests 100000000;
    keepalive_timeout 60s;
    client_header_timeout 10s;
    client_body_temp_path {prefix}/tmp;
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        root {prefix}/html;
        add_header Cache-Control no-store always;
        add_header X-Content-Type-Options nosniff always;
        location = /latest/api/token {{
            if ($request_method != PUT) {{ return 405; }}
            default_type text/plain;
            add_header X-aws-ec2-metadata-token-ttl-seconds $http_x_aws_ec2_metadata_token_ttl_seconds always;
            return 200 "{token}";
        }}
    }}
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """nginx-light, one worker, serving the daemon's exact bodies as static files."""
    name = "nginx"

    def __init__(self, tmp, cpu, container_body, imds_body, imds_token, label="", wrapper=None,
                 deferred=False):
        # label: a second instance (its own prefix and port); wrapper: an argv prefix, which
        # also makes it one process (master_process off), e.g. to run it under callgrind;
        # deferred: `listen ... deferred` (TCP_DEFER_ACCEPT, as ssocredd sets on Linux).
        self.prefix = os.path.join(tmp, "nginx" + (f"-{label}" if label else ""))
        self.wrapper = list(wrapper or [])
        self.cpu = cpu
        self.port = free_port()
        self.host = "127.0.0.1"
        for d in ("html/v1", f"html/latest/meta-data/iam/security-credentials", "tmp"):
            os.makedirs(os.path.join(self.prefix, d), exist_ok=True)
        with open(os.path.join(self.prefix, "html/v1/credentials"), "wb") as f:
            f.write(container_body)
        with open(os.path.join(self.prefix,
                               f"html/latest/meta-data/iam/security-credentials/{ACTIVE[1]}"),
                  "wb") as f:
            f.write(imds_body)
        # The worker runs as nobody: it must be able to traverse to the files.
        os.chmod(tmp, 0o711)
        for dirpath, dirnames, _ in os.walk(self.prefix):
            os.chmod(dirpath, 0o755)
        self.conf = os.path.join(self.prefix, "nginx.conf")
        with open(self.conf, "w") as f:
            conf = NGINX_CONF.format(prefix=self.prefix, port=self.port, token=imds_token)
            if deferred:
                conf = conf.replace("backlog=4096;", "backlog=4096 deferred;")
            if self.wrapper:
                conf = "master_process off;\n" + conf
            f.write(conf)
        self.proc = None
        self.imds_token = imds_token
        self.token = "unused-by-nginx"

    def fresh_imds_token(self):
        return self.imds_token  # nginx answers every PUT with this constant

    def start(self, timeout=10):
        self.proc = subprocess.Popen(
            ["taskset", "-c", str(self.cpu), *self.wrapper, "nginx", "-p", self.prefix, "-c",
             self.conf],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                st, _, _ = http_request(self.host, self.port, "GET", "/v1/credentials")
                if st == 200:
                    return self
            except OSError:
                time.sleep(0.05)
        with open(os.path.join(self.prefix, "error.log")) as f:
            raise RuntimeError("nginx did not start: " + f.read()[-2000:])

    def url(self, path="/v1/credentials"):
        return f"http://{self.host}:{self.port}{path}"

    def auth_headers(self):
        # Same request bytes as to ssocred: nginx ignores the header.
        return ["Authorization: " + "0" * 64]

    def server_pid(self):
        """The worker process (the one that serves)."""
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        pids = [int(p) for p in out.stdout.split()]
        return pids[0] if pids else self.proc.pid

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ---------------------------------------------------------------------------------------
# Load generators


class Wrk:
    def __init__(self, cpu, threads, connections):
        self.cpu, self.threads, self.connections = cpu, threads, connections

    def run(self, url, duration, headers=(), script="report.lua", args=(), connections=None):
        cmd = ["taskset", "-c", str(self.cpu), "wrk", "-t", str(self.threads), "-c",
               str(connections or self.connections), "-d", f"{duration}s", "--timeout", "5s",
               "-s", os.path.join(ROOT, "bench", "wrk", script)]
        for h in headers:
            cmd += ["-H", h]
        cmd.append(url)
        if args:
            cmd += ["--", *args]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 120)
        for line in r.stdout.splitlines():
            if line.startswith("WRKJSON "):
                j = json.loads(line[len("WRKJSON "):])
                j["rps"] = j["requests"] / (j["duration_us"] / 1e6)
                j["errors"] = (j["connect_errors"] + j["read_errors"] + j["write_errors"] +
                               j["status_errors"] + j["timeouts"])
                return j
        raise RuntimeError(f"wrk failed: {r.stdout}\n{r.stderr}")


def loadtool(mode, server, count, path, headers, extra=(), timeout=120):
    cmd = [BIN["loadtool"], mode, "--port", str(server.port), "--count", str(count),
           "--path", path, *extra]
    for h in headers:
        cmd += ["--header", h]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"loadtool {mode} failed: {r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------
# Phases

MODES = {
    "keepalive": {"path": "/v1/credentials", "close": False, "imds": False},
    "close": {"path": "/v1/credentials", "close": True, "imds": False},
    "imds_pair": {"path": "/", "close": False, "imds": True},
}


def wrk_mode(wrk, server, mode, duration, connections=None):
    m = MODES[mode]
    if m["imds"]:
        # A token minted now: the daemon keeps at most 4096 and drops the oldest, so the
        # one from set-up is gone after the first run (its GETs would rightly get 401).
        return wrk.run(server.url("/"), duration, script="imds.lua",
                       args=(ACTIVE[1], server.fresh_imds_token()), connections=connections)
    headers = list(server.auth_headers())
    if m["close"]:
        headers.append("Connection: close")
    return wrk.run(server.url(m["path"]), duration, headers=headers, connections=connections)


def phase_compare(ctx):
    ss, ng, wrk, a = ctx["ssocred"], ctx["nginx"], ctx["wrk"], ctx["args"]
    runs = {mode: {"ssocred": [], "nginx": []} for mode in MODES}
    for rnd in range(a.rounds):
        for mode in MODES:
            order = (ss, ng) if rnd % 2 == 0 else (ng, ss)
            for server in order:
                pid = server.server_pid()
                cpu0 = cpu_seconds(pid)
                r = wrk_mode(wrk, server, mode, a.duration)
                # The server's own CPU time (all its threads) per request: what a request
                # costs, whatever else the machine is doing.
                r["cpu_us_per_request"] = (cpu_seconds(pid) - cpu0) * 1e6 / max(1, r["requests"])
                runs[mode][server.name].append(r)
                log(f"  round {rnd + 1} {mode:9s} {server.name:7s} {r['rps']:10.0f} req/s "
                    f"p99 {r['percentiles']['99']} us cpu {r['cpu_us_per_request']:.1f} us/req "
                    f"errors {r['errors']}")
    summary = {}
    for mode, by in runs.items():
        s = {}
        for name, rs in by.items():
            s[name] = {"rps": median([r["rps"] for r in rs]),
                       "rps_runs": [round(r["rps"]) for r in rs],
                       "cpu_us_per_request": median([r["cpu_us_per_request"] for r in rs]),
                       "cpu_runs": [round(r["cpu_us_per_request"], 2) for r in rs],
                       "errors": sum(r["errors"] for r in rs),
                       "percentiles": {p: median([r["percentiles"][p] for r in rs])
                                       for p in PERCENTILES}}
        s["rps_ratio"] = s["ssocred"]["rps"] / s["nginx"]["rps"]
        s["cpu_ratio"] = s["ssocred"]["cpu_us_per_request"] / max(
            1e-9, s["nginx"]["cpu_us_per_request"])
        s["p99_ratio"] = s["ssocred"]["percentiles"]["99"] / max(
            1, s["nginx"]["percentiles"]["99"])
        summary[mode] = s
    return {"runs": runs, "summary": summary}


def phase_deferred(ctx):
    """`Connection: close` against nginx listening with `deferred` (TCP_DEFER_ACCEPT), the
    kernel option ssocredd sets on Linux, so the close-path ratio of `compare` (nginx's
    default listen) is also seen against an nginx that gets the same help from the kernel."""
    ss, wrk, a = ctx["ssocred"], ctx["wrk"], ctx["args"]
    ngd = Nginx(ctx["tmp"], a.server_cpu, ss.container_body, ss.imds_body, ss.imds_token,
                label="deferred", deferred=True)
    ctx["cleanup"].append(ngd.stop)
    ngd.start()
    runs = {"ssocred": [], "nginx": []}
    for rnd in range(a.rounds):
        for server in ((ss, ngd) if rnd % 2 == 0 else (ngd, ss)):
            pid = server.server_pid()
            cpu0 = cpu_seconds(pid)
            r = wrk_mode(wrk, server, "close", a.duration)
            r["cpu_us_per_request"] = (cpu_seconds(pid) - cpu0) * 1e6 / max(1, r["requests"])
            runs[server.name].append(r)
            log(f"  round {rnd + 1} close {server.name:7s} (nginx deferred) {r['rps']:10.0f} "
                f"req/s cpu {r['cpu_us_per_request']:.1f} us/req errors {r['errors']}")
    ngd.stop()
    out = {name: {"rps": median([r["rps"] for r in rs]),
                  "cpu_us_per_request": median([r["cpu_us_per_request"] for r in rs]),
                  "cpu_runs": [round(r["cpu_us_per_request"], 2) for r in rs],
                  "errors": sum(r["errors"] for r in rs)} for name, rs in runs.items()}
    out["rps_ratio"] = out["ssocred"]["rps"] / out["nginx"]["rps"]
    out["cpu_ratio"] = out["ssocred"]["cpu_us_per_request"] / max(
        1e-9, out["nginx"]["cpu_us_per_request"])
    return out


def phase_idle(ctx):
    wrk, a = ctx["wrk"], ctx["args"]
    out = {}
    for server in (ctx["ssocred"], ctx["nginx"]):
        rows = []
        for n in a.idle_counts:
            holder = None
            held = None
            if n > 0:
                cmd = [BIN["loadtool"], "idle", "--port", str(server.port), "--count", str(n),
                       "--path", "/v1/credentials", "--slowloris"]
                for h in server.auth_headers():
                    cmd += ["--header", h]
                holder = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          text=True)
                ready = holder.stdout.readline().split()
                t_ready = time.monotonic()
                if not ready or ready[0] != "ready":
                    holder.kill()
                    raise RuntimeError(f"idle holder failed: {ready}")
            rss = proc_status(server.server_pid())
            r = wrk_mode(wrk, server, "keepalive", a.idle_duration, connections=10)
            if holder:
                # Hold past both servers' 10 s header timeout, so the report shows whether
                # the slowloris connection was cut.
                time.sleep(max(0.0, 11.5 - (time.monotonic() - t_ready)))
                holder.stdin.close()
                held = json.loads(holder.stdout.readline())
                holder.wait(30)
            rows.append({"idle": n, "rps": r["rps"], "errors": r["errors"],
                         "percentiles": r["percentiles"], "rss_kib": rss.get("VmRSS"),
                         "holder": held})
            log(f"  {server.name:7s} idle {n:6d}: p50 {r['percentiles']['50']} us "
                f"p99 {r['percentiles']['99']} us rss {rss.get('VmRSS')} KiB held {held}")
            time.sleep(1)  # let the server reap the closed connections
        base = rows[0]["percentiles"]["99"]
        for row in rows:
            row["p99_delta_us"] = row["percentiles"]["99"] - base
        out[server.name] = rows
    return out


def phase_burst(ctx):
    ss, ng, a = ctx["ssocred"], ctx["nginx"], ctx["args"]
    out = {"stale": [], "cached": {"ssocred": [], "nginx": []},
           "procs": {"ssocred": [], "nginx": []}}
    for i in range(a.burst_rounds):
        path = f"/v1/accounts/{STALE_ACCOUNT}/roles/StaleRole{i}/credentials"
        before = ss.emu.count("GetRoleCredentials")
        r = loadtool("burst", ss, a.burst, path, ss.auth_headers())
        r["upstream_calls"] = ss.emu.count("GetRoleCredentials") - before
        out["stale"].append(r)
        log(f"  stale burst {i}: {r}")
    for i in range(a.burst_rounds):
        for server in ((ss, ng) if i % 2 == 0 else (ng, ss)):
            r = loadtool("burst", server, a.burst, "/v1/credentials", server.auth_headers())
            out["cached"][server.name].append(r)
            log(f"  cached burst {server.name}: {r}")
    for i in range(a.burst_rounds):
        for server in ((ss, ng) if i % 2 == 0 else (ng, ss)):
            r = loadtool("procs", server, a.procs, "/v1/credentials", server.auth_headers())
            out["procs"][server.name].append(r)
            log(f"  procs {server.name}: {r}")
    return out


def phase_allocs(ctx):
    """A second daemon with the allocation counter preloaded; allocations per request."""
    a = ctx["args"]
    counter_file = os.path.join(ctx["tmp"], "allocs.txt")
    ss = Ssocred(ctx["tmp"], a.server_cpu, label="allocs",
                 env={"LD_PRELOAD": BIN["alloc"], "SSOCRED_ALLOC_COUNTER_FILE": counter_file})
    ctx["cleanup"].append(ss.stop)
    ss.start()

    def count():
        os.kill(ss.pid, signal.SIGUSR2)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, ValueError):
                with open(counter_file) as f:
                    v = int(f.read())
                os.unlink(counter_file)
                return v
            time.sleep(0.01)
        raise RuntimeError("no allocation count")

    out = {}
    imds_get = f"/latest/meta-data/iam/security-credentials/{ACTIVE[1]}"
    shapes = {
        "keepalive GET /v1/credentials": (ss.url(), ss.auth_headers()),
        "Connection: close GET /v1/credentials": (ss.url(),
                                                  ss.auth_headers() + ["Connection: close"]),
        "keepalive IMDS GET (token reused)": (ss.url(imds_get),
                                              [f"X-aws-ec2-metadata-token: {ss.imds_token}"]),
    }
    wrk = ctx["wrk"]
    for name, (url, headers) in shapes.items():
        wrk.run(url, 1, headers=headers, connections=10)  # warm-up
        c0 = count()
        r = wrk.run(url, a.alloc_duration, headers=headers, connections=10)
        c1 = count()
        # The two SIGUSR2 dumps themselves allocate nothing; wrk's requests are all counted.
        out[name] = {"requests": r["requests"], "allocations": c1 - c0,
                     "per_request": (c1 - c0) / max(1, r["requests"]), "errors": r["errors"]}
        log(f"  allocs {name}: {out[name]}")
    # The IMDSv2 pair: a PUT (mints a token) and a GET with it, per request.
    wrk.run(ss.url("/"), 1, script="imds.lua", args=(ACTIVE[1], ss.fresh_imds_token()),
            connections=10)
    c0 = count()
    r = wrk.run(ss.url("/"), a.alloc_duration, script="imds.lua",
                args=(ACTIVE[1], ss.fresh_imds_token()), connections=10)
    c1 = count()
    out["IMDSv2 pair (PUT + GET), per request"] = {
        "requests": r["requests"], "allocations": c1 - c0,
        "per_request": (c1 - c0) / max(1, r["requests"]), "errors": r["errors"]}
    # Exactly N connections, each one `Connection: close` request: allocations per connection.
    loadtool("close", ss, 200, "/v1/credentials", ss.auth_headers(), ("--concurrency", "8"))
    c0 = count()
    r = loadtool("close", ss, a.close_count, "/v1/credentials", ss.auth_headers(),
                 ("--concurrency", "8"))
    c1 = count()
    out["Connection: close, per connection (fixed count)"] = {
        "requests": a.close_count, "allocations": c1 - c0,
        "per_request": (c1 - c0) / a.close_count, "errors": a.close_count - r["status"].get("200", 0)}
    log(f"  allocs close: {out['Connection: close, per connection (fixed count)']}")
    ss.stop()
    return out


def strace_counts(pid, work):
    """System calls of process `pid` (all threads) while `work()` runs: {name: calls}."""
    out_file = tempfile.mktemp(prefix="ssocred-strace-")
    tracer = subprocess.Popen(["strace", "-c", "-f", "-q", "-o", out_file, "-p", str(pid)],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # attached once the tracee names its tracer
            with open(f"/proc/{pid}/status") as f:
                if any(ln.startswith("TracerPid:") and ln.split()[1] != "0" for ln in f):
                    break
            time.sleep(0.05)
        time.sleep(0.5)  # the other threads
        work()
    finally:
        tracer.send_signal(signal.SIGINT)
        tracer.wait(30)
    calls = {}
    with open(out_file) as f:
        for line in f:
            t = line.split()
            if len(t) < 4 or not t[0][0].isdigit():
                continue
            # "% time seconds usecs/call calls [errors] syscall" (older versions leave
            # usecs/call out of the total row: the total is summed here instead)
            if t[-1] != "total":
                calls[t[-1]] = int(t[3])
    os.unlink(out_file)
    calls["total"] = sum(calls.values())
    return calls


def tcp_out_segments():
    """The kernel's TCP segments sent so far (all sockets; /proc/net/snmp OutSegs)."""
    with open("/proc/net/snmp") as f:
        rows = [ln.split() for ln in f if ln.startswith("Tcp:")]
    return int(rows[1][rows[0].index("OutSegs")])


def callgrind_counts(pid, out_dir, work, poke):
    """User-space instructions (callgrind Ir) of `pid` while `work()` runs, and how many
    pokes were counted with them. The process runs under valgrind --tool=callgrind with
    --callgrind-out-file=<out_dir>/cg.%p; callgrind_control zeroes the counters before and
    dumps them after. Valgrind reads those commands only while the process runs, so `poke()`
    (one request) is called until the command is answered."""
    def command(*args):
        ctl = subprocess.Popen(["callgrind_control", *args, str(pid)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pokes = 0
        deadline = time.monotonic() + 120
        while ctl.poll() is None and time.monotonic() < deadline:
            time.sleep(0.3)
            if ctl.poll() is None:
                poke()
                pokes += 1
        if ctl.poll() is None:
            ctl.kill()
            raise RuntimeError("callgrind_control did not answer")
        return pokes
    command("-z")
    work()
    before = set(os.listdir(out_dir))
    pokes = command("-d")
    dumps = [f for f in os.listdir(out_dir) if f not in before and f.startswith("cg.")]
    if not dumps:
        raise RuntimeError("callgrind wrote no dump")
    return os.path.join(out_dir, sorted(dumps)[-1]), pokes


def parse_callgrind_totals(path):
    with open(path) as f:
        for line in f:
            if line.startswith(("totals:", "summary:")):
                return int(line.split()[1])
    raise RuntimeError(f"no totals in {path}")


def phase_closepath(ctx):
    """Per-connection figures of the `Connection: close` path that do not depend on how busy
    the machine is: system calls and user-space instructions, both servers."""
    ss, ng, a = ctx["ssocred"], ctx["nginx"], ctx["args"]
    n = a.close_count
    out = {"connections": n, "syscalls": {}, "instructions": {}}

    def close_load(server, count):
        def work():
            r = loadtool("close", server, count, "/v1/credentials", server.auth_headers(),
                         ("--concurrency", "8"), timeout=600)
            if r["status"].get("200", 0) != count:
                raise RuntimeError(f"close load on {server.name}: {r['status']}")
        return work

    # Loopback carries both ends: the client's segments and the server's, per connection.
    out["segments"] = {}
    for server in (ss, ng):
        close_load(server, 200)()  # warm
        before = tcp_out_segments()
        close_load(server, n)()
        out["segments"][server.name] = round((tcp_out_segments() - before) / n, 2)
    log(f"  TCP segments per connection (both ends): {out['segments']}")

    if shutil.which("strace"):
        for server in (ss, ng):
            close_load(server, 200)()  # warm
            calls = strace_counts(server.server_pid(), close_load(server, n))
            per = {k: round(v / n, 3) for k, v in sorted(calls.items(), key=lambda kv: -kv[1])}
            out["syscalls"][server.name] = {"per_connection": per.get("total", 0),
                                            "by_call": per}
            log(f"  syscalls per connection {server.name}: {per}")
    else:
        log("  strace missing: no system call counts")

    if shutil.which("valgrind") and shutil.which("callgrind_control"):
        cg_dir = os.path.join(ctx["tmp"], "callgrind")
        os.makedirs(cg_dir, exist_ok=True)
        os.chmod(cg_dir, 0o777)  # nginx's worker may write there as nobody
        wrapper = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={cg_dir}/cg.%p"]
        cn = a.callgrind_count
        cg_ss = Ssocred(ctx["tmp"], a.server_cpu, label="callgrind", wrapper=wrapper,
                        start_timeout=300)
        ctx["cleanup"].append(cg_ss.stop)
        cg_ss.start()
        cg_ng = Nginx(ctx["tmp"], a.server_cpu, ss.container_body, ss.imds_body, ss.imds_token,
                      label="callgrind", wrapper=wrapper)
        ctx["cleanup"].append(cg_ng.stop)
        cg_ng.start(timeout=120)
        for server in (cg_ss, cg_ng):
            close_load(server, 200)()  # warm: pools, caches, lazily loaded code

            def poke(server=server):
                st, _, _ = http_request(server.host, server.port, "GET", "/v1/credentials",
                                        {"Authorization": server.auth_headers()[0].split(": ", 1)[1],
                                         "Connection": "close"})
            dump, pokes = callgrind_counts(server.server_pid(), cg_dir, close_load(server, cn), poke)
            ir = parse_callgrind_totals(dump)
            # Kept with the results: `callgrind_annotate callgrind.ssocred.out` shows where.
            shutil.copy(dump, os.path.join(ctx["outdir"], f"callgrind.{server.name}.out"))
            out["instructions"][server.name] = {"total": ir, "connections": cn + pokes,
                                                "per_connection": ir / (cn + pokes)}
            log(f"  instructions per connection {server.name}: {out['instructions'][server.name]}")
        cg_ng.stop()
        cg_ss.stop()
    else:
        log("  valgrind missing: no instruction counts")
    return out


def phase_memory(ctx):
    ss, wrk, a = ctx["ssocred"], ctx["wrk"], ctx["args"]
    out = {"idle": proc_status(ss.pid), "idle_objects": mapped_objects(ss.pid)}
    log(f"  idle: {out['idle']}")
    log(f"  idle daemon maps: {out['idle_objects']}")
    for acct, role in hundred_roles():
        st, _, _ = ss.get(f"/v1/accounts/{acct}/roles/{role}/credentials")
        assert st == 200, (acct, role, st)
    time.sleep(0.5)
    out["roles_100"] = proc_status(ss.pid)
    log(f"  100 roles: {out['roles_100']}")
    total = 0
    series = []
    deadline = time.monotonic() + a.memory_max_seconds
    while total < a.memory_requests and time.monotonic() < deadline:
        r = wrk.run(ss.url(), a.memory_chunk, headers=ss.auth_headers(), connections=50)
        total += r["requests"]
        st = proc_status(ss.pid)
        series.append({"requests": total, "rss_kib": st["VmRSS"], "hwm_kib": st["VmHWM"],
                       "errors": r["errors"]})
        log(f"  after {total} requests: {st}")
    out["series"] = series
    out["requests_total"] = total
    out["reached_target"] = total >= a.memory_requests
    return out


def phase_startup(ctx):
    a = ctx["args"]
    emu_url = ctx["ssocred"].emu.url
    base = os.path.join(ctx["tmp"], "startup")
    os.makedirs(base)
    times = []
    first = None
    d = Daemon(emu_url, tmpdir=base, extra_args=("--log-level", "info"))
    for i in range(a.starts + 1):
        sock_path = os.path.join(base, "notify.sock")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(sock_path)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(sock_path)
        s.settimeout(10)
        env = dict(d.env, NOTIFY_SOCKET=sock_path)
        t0 = time.perf_counter()
        p = subprocess.Popen(d.args, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                msg = s.recv(4096).decode()
                if "READY=1" in msg.split("\n"):
                    break
            ms = (time.perf_counter() - t0) * 1000
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait(10)
            s.close()
        if i == 0:
            first = ms  # creates the state dir, endpoint token, key
        else:
            times.append(ms)
    # The floor: exec, dynamic loading and exit of the same binary with no daemon work.
    version = []
    for _ in range(a.starts):
        t0 = time.perf_counter()
        subprocess.run([BIN["ssocredd"], "--version"], capture_output=True, check=True)
        version.append((time.perf_counter() - t0) * 1000)
    out = {"first_start_ms": first, "restart_ms": times, "median_ms": median(times),
           "version_ms": version, "version_median_ms": median(version)}
    log(f"  startup: {out}")
    return out


# ---------------------------------------------------------------------------------------
# Report


def machine():
    def sh(cmd):
        r = subprocess.run(cmd, shell=True, capture_output=True, text=True)
        return (r.stdout + r.stderr).strip()
    lscpu = sh("lscpu")
    keep = ("Architecture", "CPU(s)", "Model name", "Thread(s) per core", "Core(s) per socket",
            "CPU max MHz", "L2 cache", "L3 cache", "Hypervisor vendor")
    return {
        "lscpu": [ln for ln in lscpu.splitlines() if ln.split(":")[0].strip() in keep],
        "kernel": sh("uname -srm"),
        "os": sh(". /etc/os-release && echo $PRETTY_NAME"),
        "nginx": sh("nginx -v"),
        "wrk": sh("wrk -v | head -1"),
        "compiler": sh("c++ --version | head -1"),
        "memory": sh("free -m | sed -n 2p"),
        "loadavg_at_start": sh("cat /proc/loadavg"),
    }


def us(v):
    return f"{v / 1000:.3f}"


def write_report(res, outdir, plot_path):
    lines = [f"# ssocred vs nginx — {res['stamp']}", ""]
    m = res["machine"]
    lines += ["## Machine", "", "```", *m["lscpu"], m["kernel"], m["os"], m["nginx"], m["wrk"],
              m["compiler"], "mem: " + m["memory"], "loadavg at start: " + m["loadavg_at_start"],
              "```", "", "Command: `" + res["command"] + "`", ""]
    if "compare" in res:
        lines += ["## Throughput and latency (medians of the rounds; latency in ms)", "",
                  "| shape | server | req/s | p50 | p90 | p99 | p99.9 | errors | CPU µs/req | req/s ratio | p99 ratio | CPU/req ratio |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for mode, s in res["compare"]["summary"].items():
            for name in ("ssocred", "nginx"):
                x = s[name]
                p = x["percentiles"]
                ratio = ((f"{s['rps_ratio']:.2f}", f"{s['p99_ratio']:.2f}", f"{s['cpu_ratio']:.2f}")
                         if name == "ssocred" else ("", "", ""))
                lines.append(f"| {mode} | {name} | {x['rps']:.0f} | {us(p['50'])} | {us(p['90'])} | "
                             f"{us(p['99'])} | {us(p['99.9'])} | {x['errors']} | "
                             f"{x['cpu_us_per_request']:.1f} | {ratio[0]} | {ratio[1]} | {ratio[2]} |")
        lines += ["", "Per-round req/s: " + json.dumps(
            {k: {n: v[n]["rps_runs"] for n in ("ssocred", "nginx")}
             for k, v in res["compare"]["summary"].items()}), ""]
    if "idle" in res:
        lines += ["## Idle connections (fresh requests: wrk, 10 connections; latency in ms)", "",
                  "| server | idle conns + slowloris | p50 | p99 | p99 − p99(0) | req/s | server RSS KiB | idle conns closed by server | slowloris closed after ms |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for name, rows in res["idle"].items():
            for r in rows:
                h = r["holder"] or {}
                lines.append(f"| {name} | {r['idle']} | {us(r['percentiles']['50'])} | "
                             f"{us(r['percentiles']['99'])} | {us(r['p99_delta_us'])} | {r['rps']:.0f} | "
                             f"{r['rss_kib']} | {h.get('closed_by_server', '')} | "
                             f"{h.get('slowloris_closed_after_ms', '')} |")
        lines.append("")
    if "burst" in res:
        b = res["burst"]
        lines += ["## Bursts", "", "| what | server | total ms (median) | runs | statuses | upstream calls |",
                  "|---|---|---:|---|---|---|"]
        st = b["stale"]
        lines.append(f"| {st[0]['count']} concurrent, stale role | ssocred | "
                     f"{median([r['total_ms'] for r in st]):.1f} | "
                     f"{[round(r['total_ms'], 1) for r in st]} | {[r['status'] for r in st]} | "
                     f"{[r['upstream_calls'] for r in st]} |")
        for what, key in (("concurrent, cached body", "cached"), ("short-lived processes", "procs")):
            for name, rs in b[key].items():
                lines.append(f"| {rs[0]['count']} {what} | {name} | "
                             f"{median([r['total_ms'] for r in rs]):.1f} | "
                             f"{[round(r['total_ms'], 1) for r in rs]} | {rs[0]['status']} | |")
        lines.append("")
    if "allocs" in res:
        lines += ["## Heap allocations per request (LD_PRELOAD counter)", "",
                  "| request | requests | allocations | per request |", "|---|---:|---:|---:|"]
        for name, r in res["allocs"].items():
            lines.append(f"| {name} | {r['requests']} | {r['allocations']} | {r['per_request']:.4f} |")
        lines.append("")
    if "closepath" in res or "compare" in res:
        lines += close_path_report(res)
    if "memory" in res:
        mm = res["memory"]
        def row(label, st):
            return (f"| {label} | {st['VmRSS']} | {st['VmHWM']} | {st.get('RssAnon', '')} | "
                    f"{st.get('Pss', '')} | {st.get('Uss', '')} | {st['Threads']} |")
        lines += ["## Memory (KiB)", "", "USS = Private_Clean + Private_Dirty of "
                  "/proc/PID/smaps_rollup: what the daemon alone holds.", "",
                  "| state | VmRSS | VmHWM | RssAnon | PSS | USS | threads |",
                  "|---|---:|---:|---:|---:|---:|---:|",
                  row("idle (logged in, active role cached)", mm["idle"]),
                  row("100 more roles cached", mm["roles_100"])]
        for s in mm["series"]:
            lines.append(f"| after {s['requests']:,} requests | {s['rss_kib']} | {s['hwm_kib']} | | | | |")
        lines.append("")
        if mm.get("idle_objects"):
            lines += ["Files the idle daemon maps (resident KiB): " + ", ".join(
                f"{os.path.basename(k)} {v}" for k, v in mm["idle_objects"].items()), ""]
    if "startup" in res:
        s = res["startup"]
        lines += ["## Startup (exec → READY=1)", "",
                  f"first start (creates state): {s['first_start_ms']:.1f} ms; restarts: median "
                  f"{s['median_ms']:.1f} ms of {[round(x, 1) for x in s['restart_ms']]}; "
                  f"`ssocredd --version` (exec + dynamic loading + exit, no daemon work): median "
                  f"{s['version_median_ms']:.1f} ms", ""]
    if plot_path:
        lines += [f"Plot: `{plot_path}`", ""]
    with open(os.path.join(outdir, "report.md"), "w") as f:
        f.write("\n".join(lines))
    return "\n".join(lines)


def close_path_figures(res):
    """The `Connection: close` figures of one run, ssocred and nginx: {figure: (ss, ng)}."""
    f = {}
    if "compare" in res and "close" in res["compare"]["summary"]:
        c = res["compare"]["summary"]["close"]
        f["CPU µs per request"] = (c["ssocred"]["cpu_us_per_request"],
                                   c["nginx"]["cpu_us_per_request"])
        f["requests per second"] = (c["ssocred"]["rps"], c["nginx"]["rps"])
    cp = res.get("closepath", {})
    sc = cp.get("syscalls", {})
    if "ssocred" in sc and "nginx" in sc:
        f["system calls per connection"] = (sc["ssocred"]["per_connection"],
                                            sc["nginx"]["per_connection"])
    seg = cp.get("segments", {})
    if "ssocred" in seg and "nginx" in seg:
        f["TCP segments per connection (both ends)"] = (seg["ssocred"], seg["nginx"])
    ins = cp.get("instructions", {})
    if "ssocred" in ins and "nginx" in ins:
        f["user-space instructions per connection"] = (ins["ssocred"]["per_connection"],
                                                       ins["nginx"]["per_connection"])
    al = res.get("allocs", {}).get("Connection: close, per connection (fixed count)")
    if al:
        f["heap allocations per connection"] = (al["per_request"], None)
    return f


def close_path_report(res):
    f = close_path_figures(res)
    if not f:
        return []
    lines = ["## `Connection: close` path", "",
             "CPU and throughput: the `close` rows of the table above (wrk, medians of the "
             "rounds). System calls: `strace -c -f` on the server over a fixed number of "
             "connections. Instructions: callgrind (user space only) over a fixed number of "
             "connections. Allocations: the LD_PRELOAD counter (ssocred only).", "",
             "| figure | ssocred | nginx | ratio |", "|---|---:|---:|---:|"]
    for name, (a, b) in f.items():
        ratio = f"{a / b:.2f}" if b else ""
        fmt = (lambda v: f"{v:.0f}") if a >= 100 else (lambda v: f"{v:.2f}")
        lines.append(f"| {name} | {fmt(a)} | {fmt(b) if b is not None else ''} | {ratio} |")
    d = res.get("deferred")
    if d:
        lines += ["", "Against nginx with `listen ... deferred` (TCP_DEFER_ACCEPT, as ssocredd "
                  f"sets on Linux), same wrk runs: CPU µs per request "
                  f"{d['ssocred']['cpu_us_per_request']:.2f} vs {d['nginx']['cpu_us_per_request']:.2f} "
                  f"(ratio {d['cpu_ratio']:.2f}), requests per second {d['ssocred']['rps']:.0f} vs "
                  f"{d['nginx']['rps']:.0f} (ratio {d['rps_ratio']:.2f})."]
    sc = res.get("closepath", {}).get("syscalls", {})
    for name in ("ssocred", "nginx"):
        if name in sc:
            lines += ["", f"{name} system calls per connection: " + ", ".join(
                f"{k} {v}" for k, v in sc[name]["by_call"].items() if k != "total")]
    lines.append("")
    return lines


def plot(res, outdir, plot_path):
    if "compare" not in res or not shutil.which("gnuplot"):
        return None
    dat = os.path.join(outdir, "latency.dat")
    summary = res["compare"]["summary"]
    cols = [(mode, name) for mode in MODES for name in ("ssocred", "nginx")]
    with open(dat, "w") as f:
        f.write("pct " + " ".join(f"{n}_{m}" for m, n in cols) + "\n")
        for p in PERCENTILES:
            f.write(f"p{p} " + " ".join(
                f"{summary[m][n]['percentiles'][p] / 1000:.4f}" for m, n in cols) + "\n")
    plots = []
    styles = {"ssocred": "lw 2 pt 7", "nginx": "lw 2 dt 2 pt 5"}
    colors = {"keepalive": "#1f77b4", "close": "#d62728", "imds_pair": "#2ca02c"}
    for i, (m, n) in enumerate(cols):
        plots.append(f"'{dat}' using {i + 2}:xtic(1) with linespoints {styles[n]} "
                     f"lc rgb '{colors[m]}' title '{n} {m}'")
    # Second panel: the `Connection: close` figures as ssocred / nginx ratios (1 = parity).
    close = {k: v for k, v in close_path_figures(res).items() if v[1]}
    short = {"CPU µs per request": "CPU/req", "requests per second": "req/s",
             "system calls per connection": "syscalls/conn",
             "TCP segments per connection (both ends)": "segs/conn",
             "user-space instructions per connection": "instr/conn"}
    close_dat = os.path.join(outdir, "close.dat")
    with open(close_dat, "w") as f:
        for name, (a, b) in close.items():
            # Throughput is the one figure where more is better: plotted inverted.
            ratio = b / a if name == "requests per second" else a / b
            label = "1/(req/s)" if name == "requests per second" else short.get(name, name)
            f.write(f'"{label}" {ratio:.4f}\n')
    size = "1500,600" if close else "1000,600"
    script = f"""
set terminal pngcairo size {size} noenhanced
set output '{plot_path}'
"""
    if close:
        script += "set multiplot layout 1,2\n"
    script += f"""
set title 'latency percentiles, ssocred vs nginx (1 worker), wrk medians'
set ylabel 'latency (ms, log scale)'
set xlabel 'percentile'
set logscale y
set grid ytics mytics
set key outside right
plot {", ".join(plots)}
"""
    if close:
        script += f"""
unset logscale y
unset key
set title 'Connection: close, ssocred / nginx (below 1: ssocred cheaper)'
set ylabel 'ratio'
set xlabel ''
set style fill solid 0.6
set boxwidth 0.6
set yrange [0:*]
plot '{close_dat}' using 0:2:xtic(1) with boxes lc rgb '#d62728', 1 with lines dt 2 lc rgb 'black'
unset multiplot
"""
    r = subprocess.run(["gnuplot"], input=script, capture_output=True, text=True)
    if r.returncode != 0:
        script = script.replace("pngcairo", "png")
        r = subprocess.run(["gnuplot"], input=script, capture_output=True, text=True)
    if r.returncode != 0:
        log("gnuplot failed: " + r.stderr)
        return None
    return plot_path


# ---------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only",
                    default="compare,deferred,idle,burst,allocs,closepath,memory,startup")
    ap.add_argument("--quick", action="store_true", help="short runs, for trying the script")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--server-cpu", type=int, default=0)
    ap.add_argument("--client-cpu", type=int, default=1)
    ap.add_argument("--idle-counts", default="0,1000,10000")
    ap.add_argument("--idle-duration", type=int, default=5)
    ap.add_argument("--burst", type=int, default=1000)
    ap.add_argument("--procs", type=int, default=500)
    ap.add_argument("--burst-rounds", type=int, default=3)
    ap.add_argument("--alloc-duration", type=int, default=5)
    ap.add_argument("--close-count", type=int, default=5000,
                    help="connections for the per-connection allocation and syscall counts")
    ap.add_argument("--callgrind-count", type=int, default=1000,
                    help="connections for the per-connection instruction count (callgrind)")
    ap.add_argument("--memory-requests", type=int, default=10_000_000)
    ap.add_argument("--memory-chunk", type=int, default=30, help="seconds per wrk chunk")
    ap.add_argument("--memory-max-seconds", type=int, default=900)
    ap.add_argument("--starts", type=int, default=10)
    ap.add_argument("--plot", default=os.path.join(ROOT, "docs", "perf-latency.png"))
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    if a.quick:
        a.rounds, a.duration, a.idle_duration, a.burst_rounds = 2, 3, 3, 1
        a.memory_requests, a.memory_chunk, a.starts, a.alloc_duration = 300_000, 5, 3, 2
        a.close_count, a.callgrind_count = 1000, 300
    a.idle_counts = [int(x) for x in a.idle_counts.split(",")]
    phases = a.only.split(",")
    for name, path in BIN.items():
        if not os.path.exists(path):
            sys.exit(f"missing {path}: build with `cmake --build {BUILD}` first")

    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    outdir = a.out or os.path.join(ROOT, "bench", "results", stamp)
    os.makedirs(outdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="ssocred-bench-")
    res = {"stamp": stamp, "command": " ".join(sys.argv), "args": vars(a), "machine": machine()}
    ctx = {"args": a, "tmp": tmp, "cleanup": [], "outdir": outdir,
           "wrk": Wrk(a.client_cpu, a.threads, a.connections)}
    try:
        log("starting emulator + ssocredd")
        ss = Ssocred(tmp, a.server_cpu)
        ctx["cleanup"].append(ss.stop)
        ss.start()
        ctx["ssocred"] = ss
        log("starting nginx")
        ng = Nginx(tmp, a.server_cpu, ss.container_body, ss.imds_body, ss.imds_token)
        ctx["cleanup"].append(ng.stop)
        ng.start()
        ctx["nginx"] = ng
        st, _, body = http_request(ng.host, ng.port, "GET", "/v1/credentials")
        assert body == ss.container_body, "nginx must serve the daemon's exact bytes"
        res["body_bytes"] = {"container": len(ss.container_body), "imds": len(ss.imds_body)}
        # Memory first: "idle" must mean before any load.
        order = [p for p in ("memory", "compare", "deferred", "idle", "burst", "allocs",
                             "closepath", "startup")
                 if p in phases]
        for phase in order:
            log(f"== {phase}")
            res[phase] = globals()[f"phase_{phase}"](ctx)
            with open(os.path.join(outdir, "results.json"), "w") as f:
                json.dump(res, f, indent=1)
    finally:
        for stop in reversed(ctx["cleanup"]):
            with contextlib.suppress(Exception):
                stop()
        shutil.rmtree(tmp, ignore_errors=True)
    plot_path = plot(res, outdir, a.plot)
    print(write_report(res, outdir, plot_path))
    log(f"results in {outdir}")


if __name__ == "__main__":
    main()
