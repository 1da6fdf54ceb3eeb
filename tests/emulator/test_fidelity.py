"""Fidelity of ssocred-emulator, judged by botocore's own sso-oidc and sso clients.

If botocore parses every answer (and every error) the way it parses the real services',
the daemon's tests against the emulator mean something. Each test gets its own emulator.
"""
import base64
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import unittest
import urllib.parse
import uuid

import boto3
import botocore
import botocore.exceptions
import botocore.utils
from botocore.config import Config

from ssocred_testlib import (DEFAULT_ACCOUNTS, EMULATOR, AdminError, Emulator, free_tmpdir,
                             make_tls_files)

START_URL = "https://d-0000000000.awsapps.com/start"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def clients(url, verify=None, retries=None):
    cfg = Config(signature_version=botocore.UNSIGNED,
                 retries=retries or {"mode": "standard", "total_max_attempts": 3},
                 connect_timeout=5, read_timeout=10)
    kw = dict(region_name="us-east-1", endpoint_url=url, config=cfg)
    if verify is not None:
        kw["verify"] = verify
    return boto3.client("sso-oidc", **kw), boto3.client("sso", **kw)


def error_code(exc):
    return exc.response["Error"]["Code"]


class EmulatorTest(unittest.TestCase):
    emulator_args = ("--device-interval", "0")

    def start(self, *args):
        emu = Emulator(*args)
        emu.start()
        self.addCleanup(emu.stop)
        return emu

    def setUp(self):
        self.emu = self.start(*self.emulator_args)
        self.oidc, self.sso = clients(self.emu.url)

    def register(self, oidc=None, **extra):
        return (oidc or self.oidc).register_client(clientName="botocore-client-test",
                                                   clientType="public",
                                                   scopes=["sso:account:access"], **extra)

    def device_login(self, oidc=None, scopes=True):
        oidc = oidc or self.oidc
        if scopes:
            reg = self.register(oidc)
        else:
            reg = oidc.register_client(clientName="legacy", clientType="public")
        dev = oidc.start_device_authorization(clientId=reg["clientId"],
                                              clientSecret=reg["clientSecret"], startUrl=START_URL)
        self.emu.approve(dev["userCode"])
        tok = oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                grantType=DEVICE_GRANT, deviceCode=dev["deviceCode"])
        return reg, tok


class RegisterAndDeviceFlow(EmulatorTest):
    emulator_args = ("--device-interval", "0", "--approve-after", "-1")

    def test_register_client(self):
        before = int(time.time())
        reg = self.register()
        self.assertTrue(reg["clientId"])
        self.assertTrue(reg["clientSecret"])
        self.assertIsInstance(reg["clientIdIssuedAt"], int)
        self.assertAlmostEqual(reg["clientIdIssuedAt"], before, delta=5)
        days = (reg["clientSecretExpiresAt"] - reg["clientIdIssuedAt"]) / 86400
        self.assertAlmostEqual(days, 90, delta=1)
        self.assertNotEqual(reg["clientId"], self.register()["clientId"])

    def test_register_client_rejects_non_public(self):
        with self.assertRaises(self.oidc.exceptions.InvalidClientMetadataException):
            self.oidc.register_client(clientName="x", clientType="confidential")

    def test_register_client_validation(self):
        with self.assertRaises(self.oidc.exceptions.InvalidScopeException) as cm:
            self.oidc.register_client(clientName="x", clientType="public", scopes=["bad scope"])
        self.assertEqual(cm.exception.response["error"], "invalid_scope")
        with self.assertRaises(self.oidc.exceptions.InvalidRedirectUriException):
            self.oidc.register_client(clientName="x", clientType="public",
                                      redirectUris=["https://evil.example/cb"])
        with self.assertRaises(self.oidc.exceptions.UnsupportedGrantTypeException):
            self.oidc.register_client(clientName="x", clientType="public", grantTypes=["password"])
        self.assertEqual(self.emu.state()["clients"], 0)

    def test_device_flow_pending_then_admin_approval(self):
        reg = self.register()
        dev = self.oidc.start_device_authorization(clientId=reg["clientId"],
                                                   clientSecret=reg["clientSecret"],
                                                   startUrl=START_URL)
        self.assertRegex(dev["userCode"], r"^[A-Z]{4}-[A-Z]{4}$")
        self.assertTrue(dev["verificationUri"].startswith(self.emu.url))
        self.assertIn(urllib.parse.quote(dev["userCode"]), dev["verificationUriComplete"])
        self.assertEqual(dev["interval"], 0)
        self.assertEqual(dev["expiresIn"], 600)
        args = dict(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                    grantType=DEVICE_GRANT, deviceCode=dev["deviceCode"])
        for _ in range(3):
            with self.assertRaises(self.oidc.exceptions.AuthorizationPendingException) as cm:
                self.oidc.create_token(**args)
            err = cm.exception.response
            self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400)
            self.assertEqual(err["error"], "authorization_pending")
            self.assertTrue(err["error_description"])
        self.assertEqual(self.emu.approve(), 1)
        tok = self.oidc.create_token(**args)
        self.assertEqual(tok["tokenType"], "Bearer")
        self.assertEqual(tok["expiresIn"], 3600)
        self.assertTrue(tok["accessToken"].startswith("aoa"))
        self.assertTrue(tok["refreshToken"])
        # A device code is single use.
        with self.assertRaises(self.oidc.exceptions.InvalidGrantException):
            self.oidc.create_token(**args)
        c = self.emu.counters()
        self.assertEqual(c["operations"]["CreateToken"], 5)
        self.assertEqual(c["create_token_grants"]["device_code"], 5)
        self.assertEqual(c["operations"]["RegisterClient"], 1)
        self.assertEqual(c["operations"]["StartDeviceAuthorization"], 1)
        self.assertEqual(self.emu.issued()["latest_access_token"], tok["accessToken"])

    def test_verification_uri_complete_approves(self):
        reg = self.register()
        dev = self.oidc.start_device_authorization(clientId=reg["clientId"],
                                                   clientSecret=reg["clientSecret"],
                                                   startUrl=START_URL)
        path = dev["verificationUriComplete"][len(self.emu.url):]
        status, _, body = self.emu.request("GET", path)
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["approved"], 1)
        tok = self.oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                     grantType=DEVICE_GRANT, deviceCode=dev["deviceCode"])
        self.assertTrue(tok["accessToken"])

    def test_expired_device_code(self):
        reg = self.register()
        dev = self.oidc.start_device_authorization(clientId=reg["clientId"],
                                                   clientSecret=reg["clientSecret"],
                                                   startUrl=START_URL)
        self.emu.shift_clock(601)
        with self.assertRaises(self.oidc.exceptions.ExpiredTokenException):
            self.oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                   grantType=DEVICE_GRANT, deviceCode=dev["deviceCode"])

    def test_denied(self):
        reg = self.register()
        dev = self.oidc.start_device_authorization(clientId=reg["clientId"],
                                                   clientSecret=reg["clientSecret"],
                                                   startUrl=START_URL)
        self.emu.deny(True)
        with self.assertRaises(self.oidc.exceptions.AccessDeniedException):
            self.oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                   grantType=DEVICE_GRANT, deviceCode=dev["deviceCode"])

    def test_invalid_client(self):
        reg = self.register()
        with self.assertRaises(self.oidc.exceptions.InvalidClientException) as cm:
            self.oidc.start_device_authorization(clientId=reg["clientId"], clientSecret="wrong",
                                                 startUrl=START_URL)
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 401)
        with self.assertRaises(self.oidc.exceptions.InvalidClientException):
            self.oidc.create_token(clientId="nobody", clientSecret="x", grantType="refresh_token",
                                   refreshToken="x")
        # Registrations expire (~90 days) in emulator time.
        self.emu.shift_clock(91 * 86400)
        with self.assertRaises(self.oidc.exceptions.InvalidClientException):
            self.oidc.start_device_authorization(clientId=reg["clientId"],
                                                 clientSecret=reg["clientSecret"],
                                                 startUrl=START_URL)

    def test_unsupported_grant(self):
        reg = self.register()
        with self.assertRaises(self.oidc.exceptions.UnsupportedGrantTypeException):
            self.oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                   grantType="password")


class ApproveAfterAndSlowDown(EmulatorTest):
    emulator_args = ()

    def test_approve_after_n_polls(self):
        emu = self.start("--approve-after", "2", "--device-interval", "0")
        oidc, _ = clients(emu.url)
        reg = self.register(oidc)
        dev = oidc.start_device_authorization(clientId=reg["clientId"],
                                              clientSecret=reg["clientSecret"], startUrl=START_URL)
        args = dict(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                    grantType=DEVICE_GRANT, deviceCode=dev["deviceCode"])
        for _ in range(2):
            with self.assertRaises(oidc.exceptions.AuthorizationPendingException):
                oidc.create_token(**args)
        self.assertTrue(oidc.create_token(**args)["accessToken"])

    def test_approve_after_zero_first_poll_succeeds(self):
        emu = self.start("--approve-after", "0")
        oidc, _ = clients(emu.url)
        reg = self.register(oidc)
        dev = oidc.start_device_authorization(clientId=reg["clientId"],
                                              clientSecret=reg["clientSecret"], startUrl=START_URL)
        self.assertEqual(dev["interval"], 1)
        tok = oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                grantType=DEVICE_GRANT, deviceCode=dev["deviceCode"])
        self.assertTrue(tok["accessToken"])

    def test_slow_down(self):
        emu = self.start("--approve-after", "-1", "--device-interval", "1")
        oidc, _ = clients(emu.url)
        reg = self.register(oidc)
        dev = oidc.start_device_authorization(clientId=reg["clientId"],
                                              clientSecret=reg["clientSecret"], startUrl=START_URL)
        args = dict(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                    grantType=DEVICE_GRANT, deviceCode=dev["deviceCode"])
        with self.assertRaises(oidc.exceptions.AuthorizationPendingException):
            oidc.create_token(**args)
        with self.assertRaises(oidc.exceptions.SlowDownException) as cm:
            oidc.create_token(**args)
        self.assertEqual(cm.exception.response["error"], "slow_down")
        time.sleep(1.1)
        with self.assertRaises(oidc.exceptions.AuthorizationPendingException):
            oidc.create_token(**args)


class RefreshTokens(EmulatorTest):
    def test_rotation_and_reuse(self):
        reg, tok = self.device_login()
        base = dict(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                    grantType="refresh_token")
        new = self.oidc.create_token(refreshToken=tok["refreshToken"], **base)
        self.assertNotEqual(new["accessToken"], tok["accessToken"])
        self.assertNotEqual(new["refreshToken"], tok["refreshToken"])
        # The used refresh token is dead; the new one works once.
        with self.assertRaises(self.oidc.exceptions.InvalidGrantException) as cm:
            self.oidc.create_token(refreshToken=tok["refreshToken"], **base)
        self.assertEqual(cm.exception.response["error"], "invalid_grant")
        newer = self.oidc.create_token(refreshToken=new["refreshToken"], **base)
        self.assertTrue(newer["refreshToken"])
        self.assertEqual(self.emu.counters()["create_token_grants"]["refresh_token"], 3)
        # Both access tokens issued by refresh are live until they expire.
        self.sso.list_accounts(accessToken=new["accessToken"])

    def test_reuse_grace_keeps_a_rotated_token_alive_for_a_while(self):
        reg, tok = self.device_login()
        base = dict(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                    grantType="refresh_token", refreshToken=tok["refreshToken"])
        self.emu.settings(refresh_reuse_grace=60)
        try:
            self.oidc.create_token(**base)
            # A retry of the same refresh (the answer to the first was lost) still works.
            again = self.oidc.create_token(**base)
            self.assertTrue(again["refreshToken"])
            self.emu.shift_clock(61)  # past the grace window: the rotated token is dead
            with self.assertRaises(self.oidc.exceptions.InvalidGrantException):
                self.oidc.create_token(**base)
        finally:
            self.emu.settings(refresh_reuse_grace=0)
            self.emu.set_clock_offset(0)

    def test_refresh_token_bound_to_client(self):
        reg, tok = self.device_login()
        other = self.register()
        with self.assertRaises(self.oidc.exceptions.InvalidGrantException):
            self.oidc.create_token(clientId=other["clientId"], clientSecret=other["clientSecret"],
                                   grantType="refresh_token", refreshToken=tok["refreshToken"])
        # Still usable by its own client: a foreign attempt does not consume it.
        self.oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                               grantType="refresh_token", refreshToken=tok["refreshToken"])

    def test_revoked_refresh_token(self):
        reg, tok = self.device_login()
        self.emu.revoke(refresh_tokens=True, access_tokens=False)
        with self.assertRaises(self.oidc.exceptions.InvalidGrantException):
            self.oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                   grantType="refresh_token", refreshToken=tok["refreshToken"])
        # The access token survives a refresh-only revocation.
        self.sso.list_accounts(accessToken=tok["accessToken"])
        self.emu.revoke(refresh_tokens=False, access_tokens=True)
        with self.assertRaises(self.sso.exceptions.UnauthorizedException):
            self.sso.list_accounts(accessToken=tok["accessToken"])

    def test_no_refresh_token_without_scopes(self):
        _, tok = self.device_login(scopes=False)
        self.assertNotIn("refreshToken", tok)


class Pkce(EmulatorTest):
    def pkce_client(self):
        return self.oidc.register_client(
            clientName="botocore-client-pkce", clientType="public",
            scopes=["sso:account:access"], grantTypes=["authorization_code", "refresh_token"],
            redirectUris=["http://127.0.0.1/oauth/callback"], issuerUrl=START_URL)

    def authorize(self, reg, verifier, port=54321, state=None):
        """Builds the authorize URL exactly as the AWS CLI does (PROTOCOLS.md §3.4)."""
        challenge = base64.urlsafe_b64encode(
            hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        state = state or str(uuid.uuid4())
        redirect = f"http://127.0.0.1:{port}/oauth/callback"
        query = botocore.utils.percent_encode_sequence({
            "response_type": "code", "client_id": reg["clientId"], "redirect_uri": redirect,
            "state": state, "code_challenge_method": "S256", "scopes": "sso:account:access"})
        status, headers, _ = self.emu.request(
            "GET", f"/authorize?{query}&code_challenge={challenge}")
        self.assertEqual(status, 302)
        location = headers["location"]
        self.assertTrue(location.startswith(redirect + "?"), location)
        params = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)
        self.assertEqual(params["state"], [state])
        return params, redirect

    @staticmethod
    def verifier():
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
        return "".join(secrets.choice(alphabet) for _ in range(64))

    def test_pkce_flow(self):
        reg = self.pkce_client()
        verifier = self.verifier()
        params, redirect = self.authorize(reg, verifier)
        code = params["code"][0]
        args = dict(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                    grantType="authorization_code", redirectUri=redirect, code=code)
        tok = self.oidc.create_token(codeVerifier=verifier, **args)
        self.assertTrue(tok["accessToken"])
        self.assertTrue(tok["refreshToken"])
        # Single use.
        with self.assertRaises(self.oidc.exceptions.InvalidGrantException):
            self.oidc.create_token(codeVerifier=verifier, **args)
        c = self.emu.counters()
        self.assertEqual(c["operations"]["Authorize"], 1)
        self.assertEqual(c["create_token_grants"]["authorization_code"], 2)
        # PKCE refresh tokens rotate like device-flow ones.
        new = self.oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                     grantType="refresh_token", refreshToken=tok["refreshToken"])
        self.assertNotEqual(new["refreshToken"], tok["refreshToken"])

    def test_wrong_verifier_and_redirect(self):
        reg = self.pkce_client()
        verifier = self.verifier()
        params, redirect = self.authorize(reg, verifier)
        args = dict(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                    grantType="authorization_code", code=params["code"][0])
        with self.assertRaises(self.oidc.exceptions.InvalidGrantException):
            self.oidc.create_token(codeVerifier=self.verifier(), redirectUri=redirect, **args)
        with self.assertRaises(self.oidc.exceptions.InvalidGrantException):
            self.oidc.create_token(codeVerifier=verifier,
                                   redirectUri="http://127.0.0.1:1/oauth/callback", **args)

    def test_expired_code(self):
        reg = self.pkce_client()
        verifier = self.verifier()
        params, redirect = self.authorize(reg, verifier)
        self.emu.shift_clock(301)
        with self.assertRaises(self.oidc.exceptions.ExpiredTokenException):
            self.oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                   grantType="authorization_code", code=params["code"][0],
                                   redirectUri=redirect, codeVerifier=verifier)

    def test_denied_redirects_with_error(self):
        reg = self.pkce_client()
        self.emu.deny(True)
        params, _ = self.authorize(reg, self.verifier())
        self.assertEqual(params["error"], ["access_denied"])
        self.assertNotIn("code", params)

    def test_device_client_cannot_use_authorization_code(self):
        reg = self.register()
        with self.assertRaises(self.oidc.exceptions.UnauthorizedClientException):
            self.oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                   grantType="authorization_code", code="x",
                                   redirectUri="http://127.0.0.1:1/oauth/callback",
                                   codeVerifier="y")

    def test_authorize_errors(self):
        status, headers, body = self.emu.request(
            "GET", "/authorize?response_type=code&client_id=nobody"
                   "&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Foauth%2Fcallback")
        self.assertEqual(status, 401)
        self.assertTrue(headers["x-amzn-errortype"].startswith("InvalidClientException"))
        reg = self.pkce_client()
        status, _, _ = self.emu.request(
            "GET", f"/authorize?response_type=code&client_id={reg['clientId']}"
                   "&redirect_uri=http%3A%2F%2Fevil.example%2Fcb")
        self.assertEqual(status, 400)


class Portal(EmulatorTest):
    emulator_args = ("--device-interval", "0", "--page-size", "2", "--role-ttl", "1800")

    def test_pagination_with_botocore_paginators(self):
        _, tok = self.device_login()
        self.emu.reset_counters()
        pages = list(self.sso.get_paginator("list_accounts").paginate(
            accessToken=tok["accessToken"]))
        self.assertEqual(len(pages), 2)
        ids = [a["accountId"] for p in pages for a in p["accountList"]]
        self.assertEqual(ids, list(DEFAULT_ACCOUNTS))
        self.assertIn("nextToken", pages[0])
        self.assertNotIn("nextToken", pages[-1])
        for a in pages[0]["accountList"]:
            self.assertTrue(a["accountName"] and "@" in a["emailAddress"])
        # A smaller caller page size wins over --page-size.
        pages = list(self.sso.get_paginator("list_accounts").paginate(
            accessToken=tok["accessToken"], PaginationConfig={"PageSize": 1}))
        self.assertEqual(len(pages), 3)
        self.assertEqual(self.emu.count("ListAccounts"), 5)
        roles = [r for p in self.sso.get_paginator("list_account_roles").paginate(
            accessToken=tok["accessToken"], accountId="111111111111") for r in p["roleList"]]
        self.assertEqual([r["roleName"] for r in roles], DEFAULT_ACCOUNTS["111111111111"])
        self.assertEqual({r["accountId"] for r in roles}, {"111111111111"})
        self.assertEqual(self.emu.count("ListAccountRoles"), 2)
        # Tokens are opaque; a made-up one is an InvalidRequest.
        with self.assertRaises(self.sso.exceptions.InvalidRequestException):
            self.sso.list_accounts(accessToken=tok["accessToken"], nextToken="bogus")
        with self.assertRaises(self.sso.exceptions.ResourceNotFoundException):
            self.sso.list_account_roles(accessToken=tok["accessToken"], accountId="999999999999")

    def test_get_role_credentials(self):
        _, tok = self.device_login()
        seen = set()
        for _ in range(3):
            before_ms = int(time.time() * 1000)
            rc = self.sso.get_role_credentials(accessToken=tok["accessToken"],
                                               accountId="222222222222",
                                               roleName="ReadOnlyAccess")["roleCredentials"]
            self.assertRegex(rc["accessKeyId"], r"^ASIA[A-Z0-9]{16}$")
            self.assertEqual(len(rc["secretAccessKey"]), 40)
            self.assertTrue(rc["sessionToken"])
            self.assertIsInstance(rc["expiration"], int)
            self.assertAlmostEqual(rc["expiration"] - before_ms, 1800 * 1000, delta=5000)
            seen.add(rc["accessKeyId"])
        self.assertEqual(len(seen), 3)
        issued = self.emu.issued()["role_credentials"]
        self.assertEqual([c["access_key_id"] for c in issued][-1], rc["accessKeyId"])
        self.assertEqual(issued[-1]["secret_access_key"], rc["secretAccessKey"])
        self.assertEqual(issued[-1]["role_name"], "ReadOnlyAccess")
        with self.assertRaises(self.sso.exceptions.ResourceNotFoundException):
            self.sso.get_role_credentials(accessToken=tok["accessToken"],
                                          accountId="333333333333", roleName="AdministratorAccess")
        with self.assertRaises(self.sso.exceptions.ResourceNotFoundException):
            self.sso.get_role_credentials(accessToken=tok["accessToken"],
                                          accountId="999999999999", roleName="ReadOnlyAccess")

    def test_botocore_sso_credential_fetcher_shape(self):
        """botocore's own SSO credential provider turns the answer into credentials."""
        from botocore.credentials import SSOCredentialFetcher
        from botocore.session import Session
        _, tok = self.device_login()

        class Loader:
            def __call__(self, start_url):
                return {"accessToken": tok["accessToken"], "expiresAt": "2099-01-01T00:00:00Z"}

        session = Session()
        session.set_config_variable("region", "us-east-1")

        def create_client(*a, **kw):
            kw["endpoint_url"] = self.emu.url
            return session.create_client(*a, **kw)

        fetcher = SSOCredentialFetcher(START_URL, "us-east-1", "ReadOnlyAccess", "111111111111",
                                       create_client, token_loader=Loader(), cache={})
        creds = fetcher.fetch_credentials()
        self.assertRegex(creds["access_key"], r"^ASIA")
        self.assertRegex(creds["expiry_time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def test_logout_and_unauthorized(self):
        _, tok = self.device_login()
        self.sso.logout(accessToken=tok["accessToken"])
        self.assertEqual(self.emu.count("Logout"), 1)
        with self.assertRaises(self.sso.exceptions.UnauthorizedException) as cm:
            self.sso.get_role_credentials(accessToken=tok["accessToken"],
                                          accountId="111111111111", roleName="ReadOnlyAccess")
        resp = cm.exception.response
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 401)
        self.assertEqual(resp["Error"]["Message"], "Session token not found or invalid")
        with self.assertRaises(self.sso.exceptions.UnauthorizedException):
            self.sso.logout(accessToken=tok["accessToken"])
        with self.assertRaises(self.sso.exceptions.UnauthorizedException):
            self.sso.list_accounts(accessToken="not-a-token")

    def test_expiry_and_clock(self):
        _, tok = self.device_login()
        self.sso.list_accounts(accessToken=tok["accessToken"])
        self.emu.expire_access_tokens()
        with self.assertRaises(self.sso.exceptions.UnauthorizedException):
            self.sso.list_accounts(accessToken=tok["accessToken"])
        _, tok = self.device_login()
        self.emu.shift_clock(3601)
        with self.assertRaises(self.sso.exceptions.UnauthorizedException):
            self.sso.list_accounts(accessToken=tok["accessToken"])
        # The Date header follows emulator time.
        clock = self.emu.set_clock_offset(-7200)
        self.assertEqual(clock["offset_seconds"], -7200)
        _, headers, _ = self.emu.request("GET", "/assignment/accounts")
        served = email_date(headers["date"])
        self.assertAlmostEqual(served, time.time() - 7200, delta=10)


def email_date(value):
    from email.utils import parsedate_to_datetime
    return parsedate_to_datetime(value).timestamp()


class Faults(EmulatorTest):
    def login(self):
        _, tok = self.device_login()
        self.emu.reset_counters()
        return tok["accessToken"]

    def grc(self, token, sso=None):
        return (sso or self.sso).get_role_credentials(accessToken=token, accountId="111111111111",
                                                      roleName="ReadOnlyAccess")

    def test_status500_is_retried(self):
        token = self.login()
        self.emu.fault("GetRoleCredentials", "status500", count=2)
        self.assertIn("roleCredentials", self.grc(token))
        c = self.emu.counters()
        self.assertEqual(c["operations"]["GetRoleCredentials"], 3)
        self.assertEqual(c["faults_injected"], 2)

    def test_status500_exhausts_retries(self):
        token = self.login()
        self.emu.fault("*", "status500", count=-1)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.grc(token)
        self.assertEqual(error_code(cm.exception), "InternalServerException")
        self.assertEqual(self.emu.count("GetRoleCredentials"), 3)
        self.emu.clear_faults()
        self.assertIn("roleCredentials", self.grc(token))

    def test_oidc_status500_shape(self):
        self.emu.fault("RegisterClient", "status500", count=-1)
        with self.assertRaises(self.oidc.exceptions.InternalServerException) as cm:
            self.register()
        self.assertEqual(cm.exception.response["error"], "server_error")

    def test_status429_is_throttling(self):
        token = self.login()
        self.emu.fault("GetRoleCredentials", "status429", count=1)
        self.assertIn("roleCredentials", self.grc(token))
        self.assertEqual(self.emu.count("GetRoleCredentials"), 2)
        self.emu.fault("ListAccounts", "status429", count=-1)
        with self.assertRaises(self.sso.exceptions.TooManyRequestsException):
            self.sso.list_accounts(accessToken=token)

    def test_malformed_json(self):
        token = self.login()
        self.emu.fault("GetRoleCredentials", "malformed_json")
        # botocore keeps an unparseable body as {"message": ...}: no credentials in it.
        resp = self.grc(token)
        self.assertNotIn("roleCredentials", resp)
        status, headers, body = self.emu.request("GET", "/__admin/state")
        self.assertEqual(status, 200)

    def test_wrong_content_type(self):
        token = self.login()
        self.emu.fault("GetRoleCredentials", "wrong_content_type")
        resp = self.grc(token)
        self.assertNotIn("roleCredentials", resp)

    def test_reset_is_retried_as_connection_error(self):
        token = self.login()
        self.emu.fault("GetRoleCredentials", "reset", count=1)
        self.assertIn("roleCredentials", self.grc(token))
        self.assertEqual(self.emu.count("GetRoleCredentials"), 2)
        self.emu.fault("GetRoleCredentials", "reset", count=-1)
        with self.assertRaises((botocore.exceptions.ConnectionClosedError,
                                botocore.exceptions.EndpointConnectionError,
                                botocore.exceptions.HTTPClientError)):
            self.grc(token)

    def test_truncated(self):
        token = self.login()
        self.emu.fault("GetRoleCredentials", "truncated", count=1)
        self.assertIn("roleCredentials", self.grc(token))  # retried as a read error
        self.assertEqual(self.emu.count("GetRoleCredentials"), 2)
        self.emu.fault("GetRoleCredentials", "truncated", count=-1)
        with self.assertRaises((botocore.exceptions.HTTPClientError,
                                botocore.exceptions.IncompleteReadError,
                                botocore.exceptions.ConnectionClosedError)):
            self.grc(token)
        self.emu.clear_faults()
        # Raw: the head promises more bytes than arrive.
        self.emu.fault("ListAccounts", "truncated")
        host, port = self.emu.host_port
        conn = http.client.HTTPConnection(host, port, timeout=5)
        conn.request("GET", "/assignment/accounts", headers={"x-amz-sso_bearer_token": token})
        resp = conn.getresponse()
        self.assertEqual(resp.status, 200)
        with self.assertRaises(http.client.IncompleteRead):
            resp.read()
        conn.close()

    def test_delay(self):
        token = self.login()
        self.emu.fault("GetRoleCredentials", "delay", delay_ms=400)
        t0 = time.monotonic()
        self.assertIn("roleCredentials", self.grc(token))
        self.assertGreaterEqual(time.monotonic() - t0, 0.4)

    def test_admin_is_never_faulted_or_counted(self):
        self.emu.fault("*", "reset", count=-1)
        self.assertEqual(self.emu.counters()["operations"]["GetRoleCredentials"], 0)
        self.assertGreaterEqual(self.emu.counters()["admin"], 2)
        with self.assertRaises(AdminError):
            self.emu.fault("NoSuchOperation", "reset")
        with self.assertRaises(AdminError):
            self.emu.fault("*", "explode")


class BadInput(EmulatorTest):
    def raw(self, data, timeout=5):
        """Sends raw bytes, returns (status, headers, body-json) of the reply."""
        host, port = self.emu.host_port
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(data)
            resp = http.client.HTTPResponse(s)
            resp.begin()
            body = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body

    def assert_shape(self, status, headers, body, want_status, want_type):
        self.assertEqual(status, want_status)
        self.assertTrue(headers["x-amzn-errortype"].startswith(want_type), headers)
        self.assertEqual(headers["content-type"], "application/json")
        self.assertIn("date", headers)
        j = json.loads(body)
        self.assertTrue(j["__type"].endswith(want_type))
        self.assertTrue(j["message"])
        return j

    def test_bad_requests_get_error_shapes(self):
        e = self.emu
        j = self.assert_shape(*e.request("POST", "/token", "{not json"), 400,
                              "InvalidRequestException")
        self.assertEqual(j["error"], "invalid_request")
        self.assertEqual(j["error_description"], j["message"])
        self.assert_shape(*e.request("POST", "/token", "[1,2]"), 400, "InvalidRequestException")
        self.assert_shape(*e.request("POST", "/client/register", {"clientType": "public"}), 400,
                          "InvalidRequestException")
        self.assert_shape(*e.request("POST", "/device_authorization", {"clientId": 5}), 400,
                          "InvalidRequestException")
        self.assert_shape(*e.request("GET", "/no/such/path"), 404, "UnknownOperationException")
        self.assert_shape(*e.request("GET", "/token"), 405, "InvalidRequestException")
        self.assert_shape(*e.request("DELETE", "/federation/credentials"), 405,
                          "InvalidRequestException")
        # Portal: missing parameters, missing token.
        _, tok = self.device_login()
        hdr = {"x-amz-sso_bearer_token": tok["accessToken"]}
        self.assert_shape(*e.request("GET", "/federation/credentials?role_name=x", headers=hdr),
                          400, "InvalidRequestException")
        self.assert_shape(*e.request("GET", "/assignment/roles", headers=hdr), 400,
                          "InvalidRequestException")
        self.assert_shape(*e.request("GET", "/assignment/accounts?max_result=0", headers=hdr),
                          400, "InvalidRequestException")
        self.assert_shape(*e.request("GET", "/assignment/accounts"), 401, "UnauthorizedException")

    def test_oversized_body(self):
        body = b'{"clientName":"' + b"x" * (70 * 1024) + b'","clientType":"public"}'
        status, headers, raw = self.raw(
            b"POST /client/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        self.assert_shape(status, headers, raw, 413, "InvalidRequestException")
        self.register()  # still serving

    def test_garbage(self):
        status, headers, raw = self.raw(b"THIS IS NOT HTTP\r\n\r\n")
        self.assertEqual(status, 400)
        self.assertTrue(headers["x-amzn-errortype"].startswith("InvalidRequestException"))
        # Half a request, then the client goes away.
        host, port = self.emu.host_port
        with socket.create_connection((host, port), timeout=5) as s:
            s.sendall(b"POST /token HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")
        self.register()
        self.assertEqual(self.emu.counters()["operations"]["RegisterClient"], 1)

    def test_keep_alive(self):
        host, port = self.emu.host_port
        conn = http.client.HTTPConnection(host, port, timeout=5)
        for _ in range(3):
            conn.request("POST", "/client/register",
                         body=json.dumps({"clientName": "k", "clientType": "public"}),
                         headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            self.assertEqual(resp.status, 200)
            resp.read()
        conn.close()
        self.assertEqual(self.emu.count("RegisterClient"), 3)


class Tls(unittest.TestCase):
    def test_tls(self):
        tmp = free_tmpdir()
        self.addCleanup(shutil.rmtree, tmp, True)
        files = make_tls_files(tmp)
        emu = Emulator("--tls-cert", files["cert"], "--tls-key", files["key"],
                       "--device-interval", "0", ca_file=files["ca"])
        emu.start()
        self.addCleanup(emu.stop)
        self.assertTrue(emu.url.startswith("https://127.0.0.1:"))
        oidc, sso = clients(emu.url, verify=files["ca"])
        reg = oidc.register_client(clientName="tls", clientType="public",
                                   scopes=["sso:account:access"])
        dev = oidc.start_device_authorization(clientId=reg["clientId"],
                                              clientSecret=reg["clientSecret"], startUrl=START_URL)
        self.assertTrue(dev["verificationUri"].startswith("https://"))
        tok = oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                grantType=DEVICE_GRANT, deviceCode=dev["deviceCode"])
        accounts = sso.list_accounts(accessToken=tok["accessToken"])["accountList"]
        self.assertEqual(len(accounts), 3)
        self.assertEqual(emu.counters()["operations"]["ListAccounts"], 1)
        # Without the CA, verification fails.
        untrusted, _ = clients(emu.url, retries={"mode": "standard", "total_max_attempts": 1})
        with self.assertRaises(botocore.exceptions.SSLError):
            untrusted.register_client(clientName="x", clientType="public")
        # A plain-HTTP client gets nowhere but does not hurt the server.
        host, port = emu.host_port
        with socket.create_connection((host, port), timeout=5) as s:
            s.sendall(b"GET / HTTP/1.1\r\n\r\n")
            try:
                s.recv(100)
            except OSError:
                pass
        self.assertEqual(len(sso.list_accounts(accessToken=tok["accessToken"])["accountList"]),
                         3)


class CommandLine(unittest.TestCase):
    def run_emulator(self, *args):
        return subprocess.run([EMULATOR, *args], capture_output=True, text=True, timeout=30)

    def test_help_and_version(self):
        r = self.run_emulator("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("TEST AND DEMO TOOL", r.stdout)
        for flag in ("--listen", "--config", "--access-token-ttl", "--role-ttl",
                     "--approve-after", "--tls-cert", "--tls-key", "--page-size",
                     "--device-interval", "--allow-remote", "--help", "--version",
                     "/__admin/fault", "SECRETS"):
            self.assertIn(flag, r.stdout)
        r = self.run_emulator("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^ssocred-emulator \d+\.\d+\.\d+")

    def test_bad_flags(self):
        for args in (["--bogus"], ["--listen", "0.0.0.0:0"], ["--listen", "nonsense"],
                     ["--access-token-ttl", "abc"], ["--tls-cert", "x"],
                     ["--config", "/nonexistent.json"]):
            r = self.run_emulator(*args)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertTrue(r.stderr.strip(), args)
            self.assertEqual(r.stdout, "", args)

    def test_signals_exit_cleanly(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            emu = Emulator()
            emu.start()
            self.addCleanup(emu.stop)
            self.assertEqual(emu.stop(timeout=10) if sig == signal.SIGTERM else
                             emu.process.stop(timeout=10, sig=sig), 0)

    def test_stops_cleanly_with_open_connections(self):
        emu = Emulator()
        emu.start()
        self.addCleanup(emu.stop)
        host, port = emu.host_port
        idle = socket.create_connection((host, port))
        self.addCleanup(idle.close)
        idle.sendall(b"POST /token HTTP/1.1\r\nContent-Length: 10\r\n\r\n{")  # half a request
        emu.fault("*", "delay", delay_ms=5000)
        slow = socket.create_connection((host, port))
        self.addCleanup(slow.close)
        slow.sendall(b"GET /assignment/accounts HTTP/1.1\r\n\r\n")
        time.sleep(0.3)
        t0 = time.monotonic()
        self.assertEqual(emu.stop(), 0)  # also: no sanitizer report (it would change the code)
        self.assertLess(time.monotonic() - t0, 5)

    def test_ipv6_listen(self):
        if not socket.has_ipv6:
            self.skipTest("no IPv6")
        try:
            with socket.socket(socket.AF_INET6) as s:
                s.bind(("::1", 0))
        except OSError:
            self.skipTest("no ::1")
        emu = Emulator("--listen", "[::1]:0")
        emu.start()
        self.addCleanup(emu.stop)
        self.assertTrue(emu.url.startswith("http://[::1]:"))
        oidc, _ = clients(emu.url)
        oidc.register_client(clientName="v6", clientType="public")

    def test_config_file(self):
        tmp = free_tmpdir()
        self.addCleanup(shutil.rmtree, tmp, True)
        path = os.path.join(tmp, "emu.json")
        with open(path, "w") as f:
            json.dump({"accounts": [{"account_id": "123456789012", "account_name": "Only",
                                     "email": "only@example.com", "roles": ["Admin", "Dev"]}],
                       "access_token_ttl": 900, "role_ttl": 1200, "device_interval": 0}, f)
        emu = Emulator("--config", path, "--role-ttl", "1300")
        emu.start()
        self.addCleanup(emu.stop)
        s = emu.settings()
        self.assertEqual((s["access_token_ttl"], s["role_ttl"], s["device_interval"]),
                         (900, 1300, 0))
        oidc, sso = clients(emu.url)
        reg = oidc.register_client(clientName="c", clientType="public", scopes=["x"])
        dev = oidc.start_device_authorization(clientId=reg["clientId"],
                                              clientSecret=reg["clientSecret"], startUrl=START_URL)
        tok = oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                grantType=DEVICE_GRANT, deviceCode=dev["deviceCode"])
        self.assertEqual(tok["expiresIn"], 900)
        accounts = sso.list_accounts(accessToken=tok["accessToken"])["accountList"]
        self.assertEqual(accounts, [{"accountId": "123456789012", "accountName": "Only",
                                     "emailAddress": "only@example.com"}])

    def test_bad_config_file(self):
        tmp = free_tmpdir()
        self.addCleanup(shutil.rmtree, tmp, True)
        path = os.path.join(tmp, "bad.json")
        for content in ("{", '{"accounts": 5}', '{"accounts": [{"roles": []}]}',
                        '{"role_ttl": "x"}'):
            with open(path, "w") as f:
                f.write(content)
            r = subprocess.run([EMULATOR, "--config", path], capture_output=True, text=True,
                               timeout=30)
            self.assertEqual(r.returncode, 2, content)
            self.assertIn("config", r.stderr)


if __name__ == "__main__":
    unittest.main()
