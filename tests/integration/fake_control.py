#!/usr/bin/env python3
"""A stand-in for ssocredd's control socket (docs/control-api.md), for testing `ssocred`.

Serves canned but stateful answers over HTTP/1.1 on a unix socket: the active role can be
changed, tokens minted and revoked, a login started, polled and cancelled. Prints
"ready" on stdout once it accepts connections. Not a daemon: test use only.

    fake_control.py --socket /tmp/x.sock [--http-port 40123] [--bridge-port 0]
                    [--login-after N] [--logged-out]
"""
import argparse
import json
import os
import socketserver
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, unquote, urlsplit


def ts(delta_seconds=0):
    t = datetime.now(timezone.utc) + timedelta(seconds=delta_seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


ACCOUNTS = [
    {"account_id": "111111111111", "account_name": "Dev", "email": "dev@example.com",
     "roles": ["Admin", "ReadOnly"]},
    {"account_id": "222222222222", "account_name": "Production", "email": "prod@example.com",
     "roles": ["ReadOnly"]},
]
PROFILES = {"dev": ("111111111111", "Admin"), "prod": ("222222222222", "ReadOnly")}


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.active = {"session": "my-sso", "account_id": "111111111111",
                       "role_name": "Admin", "profile": "dev"}
        self.tokens = {}
        self.logins = {}
        self.next_id = 1
        self.next_active = 1
        self.requests = []
        self.logged_in = not args.logged_out


def role_for(profile=None, account_id=None, role_name=None):
    if profile is not None:
        if profile not in PROFILES:
            return None
        account_id, role_name = PROFILES[profile]
    for a in ACCOUNTS:
        if a["account_id"] == account_id and role_name in a["roles"]:
            prof = next((p for p, v in PROFILES.items() if v == (account_id, role_name)), None)
            return {"session": "my-sso", "account_id": account_id, "role_name": role_name,
                    "profile": prof}
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    @property
    def state(self):
        return self.server.state

    def send_json(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, code, message):
        self.send_json(status, {"code": code, "message": message})

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(n) or b"{}") if n else {}

    def handle_any(self, method):
        url = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        path = url.path
        st = self.state
        with st.lock:
            st.requests.append(f"{method} {self.path}")
        if os.environ.get("FAKE_CONTROL_LOG"):
            with open(os.environ["FAKE_CONTROL_LOG"], "a") as f:
                f.write(f"{method} {self.path}\n")

        if method == "GET" and path == "/healthz":
            body = b"ok"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(body)
            return
        if method == "GET" and path == "/v1/status":
            http = [{"address": "127.0.0.1", "port": st.args.http_port}]
            if st.args.bridge_port:
                http.append({"address": "169.254.170.2", "port": st.args.bridge_port})
            return self.send_json(200, {
                "version": "0.1.0", "pid": os.getpid(), "started_at": ts(-3600),
                "uptime_seconds": 3600, "control_socket": st.args.socket, "http": http,
                "state_dir": "/tmp/state", "aws_cache": "sync",
                "sessions": [{
                    "name": "my-sso", "start_url": "https://example.awsapps.com/start",
                    "region": "us-east-1",
                    "state": "logged_in" if st.logged_in else "login_required",
                    "access_token_expires_at": ts(8 * 3600), "next_refresh_at": ts(7 * 3600),
                    "refresh_token": True, "registration_expires_at": ts(80 * 86400),
                    "clock_skew_seconds": st.args.clock_skew, "last_error": None}],
                "active": st.active,
                "roles": [dict(st.active, expiration=ts(3000), next_renewal_at=ts(1500),
                               last_error=None)] if st.active else [],
                "recent_errors": [{"time": ts(-60), "operation": "GetRoleCredentials",
                                   "message": "Identity Center was unreachable; retrying."}]})
        if method == "GET" and path == "/v1/endpoint":
            http = [{"address": "127.0.0.1", "port": st.args.http_port}]
            if st.args.bridge_port:
                http.append({"address": "169.254.170.2", "port": st.args.bridge_port})
            port = st.args.http_port
            return self.send_json(200, {
                "http": http, "container_url": f"http://127.0.0.1:{port}/v1/credentials",
                "imds_endpoint": f"http://127.0.0.1:{port}", "token": "main-token-value",
                "token_file": "/tmp/state/endpoint-token", "region": "eu-west-1"})
        if method == "GET" and path == "/v1/active":
            return self.send_json(200, {"active": st.active})
        if method == "PUT" and path == "/v1/active":
            b = self.body()
            if "profile" in b:
                role = role_for(profile=b["profile"])
                if role is None:
                    return self.error(404, "not_found",
                                      f"No profile named {b['profile']} in ~/.aws/config.")
            elif "account_id" in b and "role_name" in b:
                role = role_for(account_id=b["account_id"], role_name=b["role_name"])
                if role is None:
                    return self.error(404, "not_found", "That role is not assigned to you.")
            else:
                return self.error(400, "invalid", "Name a profile or an account and role.")
            prev, st.active = st.active, role
            return self.send_json(200, {"previous": prev, "active": role})
        if method == "GET" and path == "/v1/accounts":
            if not st.logged_in:
                return self.error(503, "login_required", "Session my-sso needs a login: run `ssocred login`.")
            return self.send_json(200, {"session": "my-sso", "fetched_at": ts(), "accounts": ACCOUNTS})
        if method == "GET" and path == "/v1/credentials":
            if not st.logged_in:
                return self.error(503, "login_required", "Session my-sso needs a login: run `ssocred login`.")
            if "profile" in q and q["profile"] not in PROFILES:
                return self.error(404, "not_found", f"No profile named {q['profile']} in ~/.aws/config.")
            acct = PROFILES[q["profile"]][0] if "profile" in q else st.active["account_id"]
            return self.send_json(200, {
                "Version": 1, "AccessKeyId": "ASIAFAKE", "SecretAccessKey": "fake/secret+key",
                "SessionToken": "fake-session-token", "Expiration": ts(3600), "AccountId": acct})
        if method == "POST" and path == "/v1/tokens":
            b = self.body()
            if b.get("active"):  # an active-role token: no role, sliding expiry
                tid = f"act{st.next_active}"  # own counter: scoped ids stay tok1, tok2...
                st.next_active += 1
                tok = {"id": tid, "kind": "active", "role": None, "created_at": ts(),
                       "expires_at": ts(b.get("idle_seconds") or 86400),
                       "idle_seconds": b.get("idle_seconds") or 86400,
                       "token_file": f"/tmp/state/tokens/{tid}/token" if b.get("file") else None,
                       "label": b.get("label")}
                st.tokens[tid] = tok
                return self.send_json(201, dict(tok, token=f"active-{tid}"))
            role = role_for(profile=b.get("profile"), account_id=b.get("account_id"),
                            role_name=b.get("role_name"))
            if role is None:
                return self.error(404, "not_found", "No such profile or role.")
            tid = f"tok{st.next_id}"
            st.next_id += 1
            lifetime = b.get("ttl_seconds") or b.get("idle_seconds")
            tok = {"id": tid, "role": role, "created_at": ts(),
                   "expires_at": ts(lifetime) if lifetime else None,
                   "idle_seconds": b.get("idle_seconds"),
                   "token_file": f"/tmp/state/tokens/{tid}/token" if b.get("file") else None,
                   "label": b.get("label")}
            st.tokens[tid] = tok
            return self.send_json(201, dict(tok, token=f"scoped-{tid}"))
        if method == "GET" and path == "/v1/tokens":
            return self.send_json(200, {"tokens": list(st.tokens.values())})
        if method == "DELETE" and path.startswith("/v1/tokens/"):
            tid = unquote(path[len("/v1/tokens/"):])
            if st.tokens.pop(tid, None) is None:
                return self.error(404, "not_found", f"No token with id {tid}.")
            return self.send_json(200, {"revoked": tid})
        if method == "POST" and path == "/v1/logout":
            st.logged_in = False
            return self.send_json(200, {"logged_out": ["my-sso"]})
        if method == "POST" and path == "/v1/login":
            b = self.body()
            lid = f"login{st.next_id}"
            st.next_id += 1
            device = bool(b.get("use_device_code"))
            st.logins[lid] = {
                "id": lid, "session": "my-sso",
                "flow": "device_code" if device else "authorization_code", "state": "pending",
                "url": "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH"
                if device else "https://oidc.us-east-1.amazonaws.com/authorize?x=1",
                "user_code": "ABCD-EFGH" if device else None, "expires_at": ts(600),
                "joined": False, "error": None, "_polls": 0}
            if st.args.login_start_fails:
                # What the daemon answers when RegisterClient fails: no URL to open.
                st.logins[lid].update(state="failed", url="", user_code=None,
                                      error="RegisterClient failed: the SSO OIDC service "
                                            "answered 500 InternalServerException")
            return self.send_json(202, {k: v for k, v in st.logins[lid].items() if k[0] != "_"})
        if path.startswith("/v1/login/"):
            lid = unquote(path[len("/v1/login/"):])
            login = st.logins.get(lid)
            if login is None:
                return self.error(404, "not_found", "No such login.")
            if method == "DELETE":
                login["state"] = "cancelled"
            elif method == "GET":
                login["_polls"] += 1
                if login["state"] == "pending":
                    if st.args.login_after >= 0 and login["_polls"] > st.args.login_after:
                        login["state"] = "succeeded"
                        login["access_token_expires_at"] = ts(8 * 3600)
                        st.logged_in = True
                    else:
                        wait = min(float(q.get("wait", 0)), 30)
                        time.sleep(min(wait, st.args.poll_sleep))
            return self.send_json(200, {k: v for k, v in login.items() if k[0] != "_"})
        # What ssocredd answers for a path it has no route for. The fake has no POST /v1/env,
        # so `ssocred env` takes the requests of before, as with a daemon older than it.
        return self.error(404, "not_found", "no such control endpoint; see docs/control-api.md")

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):
        conn, _ = self.socket.accept()
        return conn, ("local", 0)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--socket", required=True)
    p.add_argument("--http-port", type=int, default=40123)
    p.add_argument("--bridge-port", type=int, default=0)
    p.add_argument("--login-after", type=int, default=1, help="polls before success (-1: never)")
    p.add_argument("--poll-sleep", type=float, default=0.2)
    p.add_argument("--clock-skew", type=int, default=0)
    p.add_argument("--logged-out", action="store_true")
    p.add_argument("--login-start-fails", action="store_true",
                   help="POST /v1/login answers a login that failed before it had a URL")
    args = p.parse_args()
    if os.path.exists(args.socket):
        os.unlink(args.socket)
    server = Server(args.socket, Handler)
    server.state = State(args)
    print("ready", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
