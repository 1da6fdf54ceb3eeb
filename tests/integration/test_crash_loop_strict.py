"""The crash loop of test_crash_loop against strict single-use refresh-token rotation
(the emulator's default, `refresh_reuse_grace` 0).

What is still guaranteed there (docs/security.md, known limits): the state always loads,
no temporary file survives a restart, nothing is torn, the active role is never anything
but the old or the new one, and the session is either still `logged_in` or - only when a
renewal's answer died with the daemon - cleanly `login_required` naming the refused
refresh token, after which a new login brings it back. SSOCRED_CRASH_SEED replays a run;
SSOCRED_CRASH_STRICT_ITERATIONS sets the count (default 60).
"""
import os
import random
import sys
import unittest

from test_crash_loop import CrashLoop

ITERATIONS = int(os.environ.get("SSOCRED_CRASH_STRICT_ITERATIONS", "60"))


class CrashLoopStrictRotation(unittest.TestCase):
    def test_kill9_with_strict_rotation(self):
        seed = int(os.environ.get("SSOCRED_CRASH_SEED", str(random.SystemRandom().randrange(2**32))))
        print(f"\nSSOCRED_CRASH_SEED={seed} iterations={ITERATIONS}", file=sys.stderr, flush=True)
        loop = CrashLoop(self, reuse_grace=0, iterations=ITERATIONS, seed=seed)
        loop.run()
        print(f"actions {loop.counts}, outcomes {loop.outcomes}", file=sys.stderr, flush=True)
        self.assertEqual(sum(loop.counts.values()), ITERATIONS)
        self.assertEqual(loop.outcomes["login_required"], loop.outcomes["relogins"])


if __name__ == "__main__":
    unittest.main()
