"""The upstream unreachable (connection refused, a name that does not resolve) and an
upstream whose clock is off. Same assertions as test_faults_roles (whose scenarios these
reuse): cached credentials served while valid, never once expired, the failure in
`ssocred status`, and recovery within one backoff period once the upstream is back."""
import unittest

from test_faults_roles import check_all, run_clock_skew, run_role_fault


class UnreachableOrSkewedUpstream(unittest.TestCase):
    def test_refused_unresolvable_and_skewed_upstream(self):
        # refused: a forwarder in front of the emulator stops listening, then listens
        # again on the same port. dns: the config points the daemon (SIGHUP) at a name
        # under .invalid, then back.
        check_all(self, {"refused": lambda: run_role_fault("refused"),
                         "dns": lambda: run_role_fault("dns"),
                         "clock_skew": run_clock_skew})


if __name__ == "__main__":
    unittest.main()
