"""Token-renewal faults that cost more than a retry (test_faults_token has the matrix):

- a renewal the server processed but whose answer was lost (an answer slower than our
  timeout, a truncated body) under strict single-use rotation: the refresh token we hold
  is spent, so the only honest outcome is a clean `login_required` while cached role
  credentials are still served; a new login brings the session back (docs/security.md,
  known limits). With a reuse grace the same faults recover (test_faults_token).
- an access token dead upstream while the renewal fails: role renewals fail in turn; the
  cached credentials are served until they expire, 503 after, calls stay bounded by the
  role backoff, and everything recovers within one backoff period.
"""
import unittest

from test_faults_roles import check_all, run_role_fault
from test_faults_token import PROCESSED_KINDS, run_token_fault


class LostOrDeadTokens(unittest.TestCase):
    def test_lost_renewal_answer_with_strict_rotation(self):
        check_all(self, {f"{k}+strict": (lambda k=k: run_token_fault(k, reuse_grace=0))
                         for k in PROCESSED_KINDS})

    def test_dead_access_token_and_failing_renewal(self):
        check_all(self, {f"{k}+expired_token": (lambda k=k: run_role_fault(k, "CreateToken"))
                         for k in ("status500", "reset", "malformed_json")})



if __name__ == "__main__":
    unittest.main()
